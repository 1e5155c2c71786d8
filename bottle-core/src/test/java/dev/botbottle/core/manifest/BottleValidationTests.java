package dev.botbottle.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botbottle.spi.DlpPolicy;
import dev.botbottle.spi.PathMatch;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BottleValidationTests {

    static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
    static final String ALLOWED = "allowed keys: agent_provider, egress, env, extends, git, image, resources, skills,"
            + " supervise";

    @TempDir
    Path tmp;
    ManifestFixture f;

    @BeforeEach
    void setUp() {
        f = new ManifestFixture(tmp);
    }

    @Test
    void unknownTopLevelKeyIsAnErrorWithADidYouMeanHintAndTheAllowedKeys() {
        f.bottle("b", "env:", "  A: x", "extend: base");

        assertThat(f.rendered()).containsExactly(
                "bottles/b.md:4: extend: unknown key 'extend'; did you mean 'extends'? " + ALLOWED);
        assertThat(f.load().manifest().bottles()).isEmpty();
    }

    @Test
    void unknownKeyFarFromEveryAllowedKeyListsTheAllowedKeysOnly() {
        f.bottle("b", "colour: red");

        assertThat(f.rendered()).containsExactly("bottles/b.md:2: colour: unknown key 'colour'; " + ALLOWED);
    }

    @Test
    void unknownNestedKeyNamesItsFullKeyPath() {
        f.bottle("b", "egress:", "  routes:", "    - host: example.com", "      auht:", "        scheme: Bearer");

        assertThat(f.rendered()).containsExactly("bottles/b.md:5: egress.routes[0].auht: unknown key 'auht';"
                + " did you mean 'auth'? allowed keys: allow_private, auth, dlp, host, matches, ports, tls_passthrough");
    }

    @Test
    void fileWithAnInvalidNameIsSkippedWithAWarning() {
        f.bottle("My_Bottle", "supervise: false");
        f.bottle("ok", "supervise: false");

        ManifestLoader.LoadResult r = f.load();

        assertThat(r.hasErrors()).isFalse();
        assertThat(r.manifest().bottles()).containsOnlyKeys("ok");
        assertThat(f.rendered()).containsExactly("bottles/My_Bottle.md: skipped: 'My_Bottle' is not a valid name"
                + " (must match ^[a-z][a-z0-9-]*$); rename the file, e.g. to my-bottle.md");
        assertThat(r.warnings()).hasSize(1);
    }

    @Test
    void remoteWithBothIdentityAndProvisionedKeyIsAnError() {
        f.bottle("b", "git:", "  remotes:", "    origin:", "      url: git@h.example:o/r.git",
                "      identity: /keys/id", "      provisioned_key: {provider: gitea}", "      host_key: " + KEY);

        assertThat(f.rendered()).containsExactly("bottles/b.md:4: git.remotes.origin: identity and provisioned_key"
                + " are mutually exclusive: use either a static key on the host (identity) or a per-bottle deploy"
                + " key (provisioned_key)");
    }

    @Test
    void remoteWithNeitherIdentityNorProvisionedKeyIsAnError() {
        f.bottle("b", "git:", "  remotes:", "    origin:", "      url: git@h.example:o/r.git",
                "      host_key: " + KEY);

        assertThat(f.rendered()).containsExactly("bottles/b.md:4: git.remotes.origin: one of identity (a private"
                + " key file on the host) or provisioned_key (a per-bottle deploy key) is required");
    }

    @Test
    void remoteWithoutHostKeyFailsClosed() {
        f.bottle("b", "git:", "  remotes:", "    origin:", "      url: git@h.example:o/r.git",
                "      identity: ~/.ssh/id");

        assertThat(f.rendered()).containsExactly("bottles/b.md:4: git.remotes.origin: host_key is required: the git"
                + " gate pins the upstream's SSH host key and fails closed without one (no trust on first use); get"
                + " it with 'ssh-keyscan -t ed25519 <host>'");
        assertThat(f.load().manifest().bottles()).isEmpty();
    }

    @Test
    void remoteIdentityExpandsTildeAndMustBeAbsolute() {
        f.bottle("good", "git:", "  remotes:", "    origin:", "      url: ssh://git@h.example:2222/o/r.git",
                "      identity: ~/.ssh/id", "      host_key: " + KEY);
        f.bottle("bad", "git:", "  remotes:", "    origin:", "      url: git@h.example:o/r.git",
                "      identity: keys/id", "      host_key: " + KEY);

        ManifestLoader.LoadResult r = f.load();

        assertThat(r.manifest().bottle("good").orElseThrow().remotes().get("origin").identity())
                .contains(f.userHome.resolve(".ssh/id"));
        assertThat(f.rendered()).containsExactly("bottles/bad.md:6: git.remotes.origin.identity: expected an"
                + " absolute path or one starting with ~/ (the private key file on the host)");
    }

    @Test
    void remoteUrlMustBeSshAndIsNeverQuoted() {
        f.bottle("b", "git:", "  remotes:", "    origin:", "      url: https://user:hunter2@h.example/o/r.git",
                "      identity: /k", "      host_key: " + KEY);

        assertThat(f.rendered()).containsExactly("bottles/b.md:5: git.remotes.origin.url: expected an SSH URL such"
                + " as ssh://git@host[:port]/owner/repo.git or git@host:owner/repo.git (the git gate reaches"
                + " upstream over SSH)");
    }

    @Test
    void malformedHostKeyIsAnError() {
        f.bottle("b", "git:", "  remotes:", "    origin:", "      url: git@h.example:o/r.git",
                "      identity: /k", "      host_key: not a key");

        assertThat(f.rendered()).singleElement().asString()
                .startsWith("bottles/b.md:7: git.remotes.origin.host_key: expected a public host key as in known_hosts");
    }

    @Test
    void provisionedKeyNeedsAProviderAndKeepsItsSettings() {
        f.bottle("b", "git:", "  remotes:", "    origin:", "      url: git@h.example:o/r.git",
                "      provisioned_key:", "        api_url: https://h.example", "      host_key: " + KEY);
        f.bottle("c", "git:", "  remotes:", "    origin:", "      url: git@h.example:o/r.git",
                "      provisioned_key:", "        provider: gitea", "        token_env: GITEA_TOKEN",
                "        repo_id: 42", "      host_key: " + KEY);

        assertThat(f.rendered()).containsExactly("bottles/b.md:7: git.remotes.origin.provisioned_key: provider is"
                + " required (the deploy-key provisioner, e.g. gitea)");
        assertThat(f.load().manifest().bottle("c").orElseThrow().remotes().get("origin").provisionedKey()
                .orElseThrow().settings()).isEqualTo(Map.of("token_env", "GITEA_TOKEN", "repo_id", "42"));
    }

    @Test
    void pushPolicyIsParsedAndItsUnknownKeysGetADidYouMeanHint() {
        f.bottle("b", "git:", "  remotes:", "    origin:", "      url: git@h.example:o/r.git",
                "      identity: /k", "      host_key: " + KEY, "      push:",
                "        protected_branches: [main, release/*]", "        allowed_branches: [agent/*]",
                "        max_size: 50m");
        f.bottle("c", "git:", "  remotes:", "    origin:", "      url: git@h.example:o/r.git",
                "      identity: /k", "      host_key: " + KEY, "      push:", "        allowed_branch: [agent/*]",
                "        protected_branches: [refs/heads/main]", "        max_size: lots");

        var push = f.load().manifest().bottle("b").orElseThrow().remotes().get("origin").push();
        assertThat(push.protectedBranches()).containsExactly("main", "release/*");
        assertThat(push.allowedBranches()).containsExactly("agent/*");
        assertThat(push.maxPushBytes()).isEqualTo(50L << 20);
        assertThat(f.rendered()).containsExactly(
                "bottles/c.md:9: git.remotes.origin.push.allowed_branch: unknown key 'allowed_branch'; did you mean"
                        + " 'allowed_branches'? allowed keys: allowed_branches, max_size, protected_branches",
                "bottles/c.md:10: git.remotes.origin.push.protected_branches: 'refs/heads/main' names a ref: write the"
                        + " branch name only (e.g. main, not refs/heads/main)",
                "bottles/c.md:11: git.remotes.origin.push.max_size: expected a size such as 512m or 2g (k, m, g, t are"
                        + " powers of 1024)");
    }

    @Test
    void routeWithAuthAndTlsPassthroughIsAnError() {
        f.bottle("b", "egress:", "  routes:", "    - host: api.example.com", "      auth:", "        scheme: Bearer",
                "        token_ref: API_TOKEN", "      tls_passthrough: true");

        assertThat(f.rendered()).containsExactly("bottles/b.md:8: egress.routes[0]: auth and tls_passthrough cannot"
                + " be combined: a credential must never ride on a connection the gateway cannot see; remove"
                + " tls_passthrough (a route with auth is always TLS-intercepted)");
    }

    @Test
    void aWildcardRouteWithAuthNeedsASuffixOfTwoLabels() {
        f.bottle("b", "egress:", "  routes:", "    - host: '*.com'", "      auth: {scheme: Bearer, token_ref: T}",
                "    - host: '*.example.com'", "      auth: {scheme: Bearer, token_ref: T}", "    - host: '*.org'");

        assertThat(f.rendered()).singleElement().asString().startsWith("bottles/b.md:4: egress.routes[0]: a wildcard"
                + " route with auth needs a suffix of at least two labels");
    }

    @Test
    void allowPrivateIsTheOperatorsOptOutOfTheSsrfFloor() {
        f.bottle("b", "egress:", "  routes:", "    - host: git.corp.example", "      allow_private: true",
                "    - host: api.example.com");

        var routes = f.load().manifest().bottle("b").orElseThrow().routes();

        assertThat(routes).extracting(r -> r.allowPrivate()).containsExactly(true, false);
    }

    @Test
    void routesAreParsedIntoSpiValues() {
        f.bottle("b", "egress:", "  routes:", "    - host: API.example.com", "      auth: {scheme: token, token_ref: T}",
                "      matches:", "        - paths: [{type: regex, value: '^/v[0-9]+/'}, {value: /x/}]",
                "          methods: [get, post]", "      ports: [443, 8443]",
                "      dlp: {action: redact, enabled: false}", "    - host: '*.cdn.example.com'");

        var routes = f.load().manifest().bottle("b").orElseThrow().routes();

        assertThat(routes).hasSize(2);
        assertThat(routes.get(0).host()).isEqualTo("api.example.com");
        assertThat(routes.get(0).auth().orElseThrow().tokenRef()).isEqualTo("T");
        assertThat(routes.get(0).matches().get(0).paths()).containsExactly(
                new PathMatch(PathMatch.Type.REGEX, "^/v[0-9]+/"), new PathMatch(PathMatch.Type.PREFIX, "/x/"));
        assertThat(routes.get(0).matches().get(0).methods()).containsExactly("GET", "POST");
        assertThat(routes.get(0).ports()).containsExactly(443, 8443);
        assertThat(routes.get(0).dlp()).isEqualTo(new DlpPolicy(DlpPolicy.Action.REDACT, false));
        assertThat(routes.get(1).host()).isEqualTo("*.cdn.example.com");
        assertThat(routes.get(1).dlp()).isEqualTo(DlpPolicy.DEFAULT);
    }

    @Test
    void routeRulesAreChecked() {
        f.bottle("b", "egress:", "  routes:",
                "    - host: a.example.com",
                "      matches: [{paths: [{type: glob, value: /x}]}]",
                "    - host: b.example.com",
                "      matches: [{paths: [{type: regex, value: '('}]}]",
                "    - host: c.example.com",
                "      matches: [{paths: [{value: x}]}]",
                "      ports: [0]",
                "      dlp: {action: ignore}",
                "    - host: a.example.com",
                "    - auth: {scheme: Bearer}");

        assertThat(f.rendered()).containsExactly(
                "bottles/b.md:5: egress.routes[0].matches[0].paths[0].type: 'glob' is not a path match type; use"
                        + " prefix or regex",
                "bottles/b.md:7: egress.routes[1].matches[0].paths[0].value: invalid regular expression: Unclosed"
                        + " group",
                "bottles/b.md:9: egress.routes[2].matches[0].paths[0].value: a path prefix must start with /",
                "bottles/b.md:10: egress.routes[2].ports[0]: must be between 1 and 65535, got 0",
                "bottles/b.md:11: egress.routes[2].dlp.action: 'ignore' is not a DLP action; use block, redact or"
                        + " warn",
                "bottles/b.md:12: egress.routes[3].host: host 'a.example.com' already has a route"
                        + " (egress.routes[0]); one route per host: put every path and method rule in its matches",
                "bottles/b.md:13: egress.routes[4]: host is required",
                "bottles/b.md:13: egress.routes[4].auth: token_ref is required (the host environment variable"
                        + " holding the token)");
    }

    @Test
    void aSettingOfAnotherTemplateNamesTheTemplateThatTakesIt() {
        f.bottle("b", "agent_provider:", "  template: codex", "  auth_token: OPENAI_TOKEN");

        assertThat(f.rendered()).containsExactly("bottles/b.md:4: agent_provider.auth_token: 'auth_token' is a setting"
                + " of template 'claude', not of 'codex'; template 'codex' takes forward_host_credentials");
    }

    @Test
    void theDefaultTemplateChecksSettingsWhenNoneIsNamed() {
        f.bottle("b", "agent_provider:", "  forward_host_credentials: true");

        assertThat(f.rendered()).containsExactly("bottles/b.md:3: agent_provider.forward_host_credentials:"
                + " 'forward_host_credentials' is a setting of template 'codex', not of 'claude'; template 'claude'"
                + " takes auth_token");
    }

    @Test
    void providersRejectUnknownKeysWithAHintAndKeepTheirOwnSettings() {
        f.bottle("b", "agent_provider:", "  template: claude", "  auth_tokn: X");
        f.bottle("pi", "agent_provider:", "  template: pi-agent", "  endpoint: https://pi.example", "  level: 3");

        assertThat(f.rendered()).containsExactly("bottles/b.md:4: agent_provider.auth_tokn: unknown key"
                + " 'auth_tokn'; did you mean 'auth_token'? allowed keys: auth_token");
        AgentProviderConfig pi = f.load().manifest().bottle("pi").orElseThrow().agentProvider().orElseThrow();
        assertThat(pi.template()).contains("pi-agent");
        assertThat(pi.settings()).isEqualTo(Map.of("endpoint", "https://pi.example", "level", "3"));
    }

    @Test
    void settingsAreCheckedAgainstTheirKindAndTheProvidersOwnRules() {
        f.bottle("a", "agent_provider:", "  auth_token: sk-ant-oat01-not-a-name");
        f.bottle("b", "agent_provider:", "  template: pi-agent", "  level: high");
        f.bottle("c", "agent_provider:", "  template: pi-agent", "  level: 3");
        f.bottle("d", "agent_provider:", "  template: codex", "  forward_host_credentials: yes please");

        assertThat(f.rendered()).containsExactly(
                "bottles/a.md:3: agent_provider.auth_token: must be the name of a host environment variable (letters,"
                        + " digits and _, not starting with a digit); the secret itself never goes in a manifest, so"
                        + " the value is not shown",
                "bottles/b.md:4: agent_provider.level: must be a whole number",
                "bottles/c.md:4: agent_provider.level: level needs an endpoint",
                "bottles/d.md:4: agent_provider.forward_host_credentials: must be true or false");
        assertThat(String.join("\n", f.rendered())).doesNotContain("sk-ant-oat01");
    }

    @Test
    void anUnknownTemplateSaysWhichAreInstalled() {
        f.bottle("b", "agent_provider:", "  template: cladue");

        assertThat(f.rendered()).containsExactly("bottles/b.md:3: agent_provider.template: unknown template 'cladue';"
                + " installed: claude, codex, pi-agent (a third-party provider's jar must be on the class path, e.g."
                + " BOT_BOTTLE_PLUGIN_PATH)");
    }

    @Test
    void defaultsApplyWhenKeysAreAbsent() {
        f.bottle("b");

        BottleDef b = f.load().manifest().bottle("b").orElseThrow();

        assertThat(b.supervise()).isTrue();
        assertThat(b.agentProvider()).isEmpty();
        assertThat(b.effectiveAgentProvider()).isEqualTo(AgentProviderConfig.DEFAULT);
        assertThat(b.env()).isEmpty();
        assertThat(b.routes()).isEmpty();
        assertThat(b.imageFor("docker")).isEmpty();
        assertThat(b.resources()).isEqualTo(dev.botbottle.spi.ResourceLimits.NONE);
    }

    @Test
    void imageIsAStringForEveryBackendOrAMapPerBackend() {
        f.bottle("one", "image: img:1");
        f.bottle("per", "image:", "  docker: img:docker", "  '*': img:any");
        f.bottle("bad", "image:", "  Docker!: x");

        Manifest m = f.load().manifest();

        assertThat(m.bottle("one").orElseThrow().imageFor("smolvm")).contains("img:1");
        assertThat(m.bottle("per").orElseThrow().imageFor("docker")).contains("img:docker");
        assertThat(m.bottle("per").orElseThrow().imageFor("smolvm")).contains("img:any");
        assertThat(f.rendered()).containsExactly("bottles/bad.md:3: image.Docker!: 'Docker!' is not a backend name"
                + " (must match ^(\\*|[a-z][a-z0-9-]*)$; '*' means every backend)");
    }

    @Test
    void resourcesAreParsed() {
        f.bottle("b", "resources: {cpus: 1.5, memory: 512m, pids: 256}");
        f.bottle("c", "resources: {memory: 2G}");
        f.bottle("bad", "resources: {cpus: 0, memory: lots, pids: -1}");

        Manifest m = f.load().manifest();

        assertThat(m.bottle("b").orElseThrow().resources().cpus()).contains(1.5);
        assertThat(m.bottle("b").orElseThrow().resources().memoryBytes()).contains(512L << 20);
        assertThat(m.bottle("b").orElseThrow().resources().pids()).contains(256);
        assertThat(m.bottle("c").orElseThrow().resources().memoryBytes()).contains(2L << 30);
        assertThat(f.rendered()).containsExactly(
                "bottles/bad.md:2: resources.cpus: must be more than 0 and at most 1024",
                "bottles/bad.md:2: resources.memory: expected a size such as 512m or 2g (k, m, g, t are powers of"
                        + " 1024)",
                "bottles/bad.md:2: resources.pids: must be between 1 and 2147483647, got -1");
    }

    @Test
    void typesAreChecked() {
        f.bottle("b", "supervise: 'yes'", "skills: code-review", "git:", "  user:", "    name: 42");

        assertThat(f.rendered()).containsExactly(
                "bottles/b.md:2: supervise: expected true or false, got a string",
                "bottles/b.md:3: skills: expected a list, got a string",
                "bottles/b.md:6: git.user.name: expected a string, got a number (quote it)");
    }

    @Test
    void skillNamesMustBeKebabCaseAndUnique() {
        f.bottle("b", "skills: [code-review, Code_Review, code-review]");

        assertThat(f.rendered()).containsExactly(
                "bottles/b.md:2: skills[1]: 'Code_Review' is not a skill name (must match ^[a-z][a-z0-9-]*$)",
                "bottles/b.md:2: skills[2]: 'code-review' is listed twice");
    }

    @Test
    void theMarkdownBodyOfABottleIsIgnored() {
        f.raw(f.home.resolve("bottles/b.md"), "---\nsupervise: false\n---\n# b\n\nextends: nothing\nunknown: key\n");

        assertThat(f.load().problems()).isEmpty();
        assertThat(f.load().manifest().bottle("b").orElseThrow().supervise()).isFalse();
    }

    @Test
    void everyProblemOfEveryFileIsReportedAtOnce() {
        f.bottle("a", "extend: x", "supervise: 1");
        f.bottle("b", "colour: red");

        ManifestException e = org.assertj.core.api.Assertions.catchThrowableOfType(ManifestException.class,
                () -> f.loader().loadStrict());

        assertThat(e.problems()).hasSize(3);
        assertThat(e.getMessage().lines()).hasSize(3);
        assertThat(e.getMessage()).contains("a.md:2: extend:", "a.md:3: supervise:", "b.md:2: colour:");
    }

    @Test
    void loadStrictReturnsTheManifestWhenThereAreOnlyWarnings() {
        f.bottle("Bad_Name");
        f.bottle("ok");

        assertThat(f.loader().loadStrict().bottles()).containsOnlyKeys("ok");
        assertThat(f.load().manifest().bottle("ok")).map(BottleDef::file)
                .isEqualTo(Optional.of(f.home.resolve("bottles/ok.md")));
    }
}
