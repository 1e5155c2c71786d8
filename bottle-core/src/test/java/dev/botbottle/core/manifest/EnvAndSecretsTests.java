package dev.botbottle.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvAndSecretsTests {

    static final String SECRET = "sk-ant-oat01-SUPERSECRETVALUE";

    @TempDir
    Path tmp;
    ManifestFixture f;

    @BeforeEach
    void setUp() {
        f = new ManifestFixture(tmp);
    }

    @Test
    void envValueFormsAreParsed() {
        assertThat(EnvValue.parse("?")).isEqualTo(new EnvValue.Prompt(""));
        assertThat(EnvValue.parse("?Your token")).isEqualTo(new EnvValue.Prompt("Your token"));
        assertThat(EnvValue.parse("${HOME_DIR}")).isEqualTo(new EnvValue.HostVariable("HOME_DIR"));
        assertThat(EnvValue.parse("${_x1}")).isEqualTo(new EnvValue.HostVariable("_x1"));
        assertThat(EnvValue.parse("plain")).isEqualTo(new EnvValue.Literal("plain"));
        assertThat(EnvValue.parse("a${B}c")).isEqualTo(new EnvValue.Literal("a${B}c"));
        assertThat(EnvValue.parse("")).isEqualTo(new EnvValue.Literal(""));
        assertThatThrownBy(() -> EnvValue.parse("${bad-name}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a host variable reference must be ${NAME} with NAME matching ^[A-Za-z_][A-Za-z0-9_]*$");
        assertThatThrownBy(() -> EnvValue.parse("${}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void envValuesShowOnlyWhatIsNotSecret() {
        assertThat(new EnvValue.Literal("v")).hasToString("v");
        assertThat(new EnvValue.Prompt("msg")).hasToString("?msg");
        assertThat(new EnvValue.HostVariable("X")).hasToString("${X}");
    }

    @Test
    void envInTheManifest() {
        f.bottle("b", "env:", "  LIT: hello", "  PORT: 8080", "  ASK: '?'", "  ASK_MSG: '?Token please'",
                "  COPY: '${HOST_VAR}'");

        assertThat(f.load().manifest().bottle("b").orElseThrow().env()).containsExactly(
                java.util.Map.entry("LIT", new EnvValue.Literal("hello")),
                java.util.Map.entry("PORT", new EnvValue.Literal("8080")),
                java.util.Map.entry("ASK", new EnvValue.Prompt("")),
                java.util.Map.entry("ASK_MSG", new EnvValue.Prompt("Token please")),
                java.util.Map.entry("COPY", new EnvValue.HostVariable("HOST_VAR")));
    }

    @Test
    void badEnvEntriesAreErrorsThatNeverQuoteTheValue() {
        f.bottle("b", "env:", "  BAD: '${bad-name}'", "  EMPTY:", "  LIST: [" + SECRET + "]", "  bad-key: x");

        assertThat(f.rendered()).containsExactly(
                "bottles/b.md:3: env.BAD: a host variable reference must be ${NAME} with NAME matching"
                        + " ^[A-Za-z_][A-Za-z0-9_]*$",
                "bottles/b.md:4: env.EMPTY: expected a string value, got nothing (null); write a literal, \"?\" or"
                        + " \"?message\" to prompt at launch, or \"${HOST_VAR}\" to copy a host variable",
                "bottles/b.md:5: env.LIST: expected a string value, got a list; write a literal, \"?\" or"
                        + " \"?message\" to prompt at launch, or \"${HOST_VAR}\" to copy a host variable",
                "bottles/b.md:6: env.bad-key: 'bad-key' is not a valid environment variable name (must match"
                        + " ^[A-Za-z_][A-Za-z0-9_]*$)");
    }

    @Test
    void noProblemEverQuotesASecretPastedWhereANameBelongs() {
        f.bottle("b", "agent_provider: {auth_token: '" + SECRET + "'}", "egress:",
                "  routes: [{host: a.example.com, auth: {scheme: Bearer, token_ref: '" + SECRET + "'}}]",
                "git:", "  remotes:", "    origin: {url: 'https://x:" + SECRET + "@h/r.git', identity: /k,"
                        + " host_key: 'ssh-ed25519 " + SECRET + "!'}",
                "env:", "  A: {value: '" + SECRET + "'}", "  B: '${" + SECRET + "}'", "supervise: '" + SECRET + "'",
                "resources: {memory: '" + SECRET + "'}");
        f.raw(f.home.resolve("bottles/broken.md"), "---\nenv:\n  A: \"" + SECRET + "\n  B: [\n---\n");

        ManifestLoader.LoadResult r = f.load();

        assertThat(r.errors()).hasSizeGreaterThanOrEqualTo(8);
        assertThat(r.problems()).allSatisfy(p -> assertThat(p.render()).doesNotContain("SUPERSECRET"));
    }

    @Test
    void authTokenAndTokenRefAreNamesOfHostVariables() {
        f.bottle("b", "agent_provider: {auth_token: MY_TOKEN}",
                "egress: {routes: [{host: a.example.com, auth: {scheme: Bearer, token_ref: GH_TOKEN}}]}");

        BottleDef b = f.load().manifest().bottle("b").orElseThrow();

        assertThat(b.agentProvider().orElseThrow().settings()).containsEntry("auth_token", "MY_TOKEN");
        assertThat(b.routes().get(0).auth().orElseThrow().tokenRef()).isEqualTo("GH_TOKEN");
    }
}
