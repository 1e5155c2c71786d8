package dev.botbottle.provider.codex;

import dev.botbottle.testkit.doubles.RecordingBottle;
import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.CredentialException;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.RouteAuth;
import dev.botbottle.spi.Secret;
import dev.botbottle.spi.SkillSource;
import dev.botbottle.spi.SuperviseEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodexProviderTests {
    private static final Instant NOW = Instant.parse("2026-11-26T21:00:00Z");
    private static final Instant EXP = NOW.plus(5, ChronoUnit.DAYS);

    private final CodexProvider provider = new CodexProvider(CodexProvider.DEFAULT_BASE_IMAGE,
            Clock.fixed(NOW, ZoneOffset.UTC));

    @TempDir
    Path hostHome;

    private AgentRequest request(boolean forward, String prompt, List<SkillSource> skills, Map<String, String> env) {
        return AgentRequest.builder("dev", "dev-abc12").prompt(prompt).skills(skills)
                .settings(forward ? Map.of(CodexProvider.FORWARD_SETTING, "true") : Map.of()).hostHome(hostHome)
                .hostEnvironment(env).build();
    }

    private void hostLogin(Instant exp) throws IOException {
        Files.createDirectories(hostHome.resolve(".codex"));
        Files.writeString(hostHome.resolve(".codex/auth.json"), HostLogins.chatgpt(exp));
    }

    @Test
    void isFoundByServiceLoaderUnderTemplateCodex() {
        assertThat(ServiceLoader.load(AgentProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("codex"))).singleElement().isInstanceOf(CodexProvider.class);
    }

    @Test
    void planIsPureAndRoutesTheForwardedTokenToTheHostsCodexCalls() {
        // no auth.json exists: planning must not read it
        AgentProvisionPlan plan = provider.plan(request(true, "", List.of(), Map.of()));

        assertThat(plan.egressRoutes()).extracting(r -> r.host()).containsExactly("chatgpt.com", "api.openai.com");
        assertThat(plan.egressRoutes()).allSatisfy(r -> {
            assertThat(r.auth()).contains(new RouteAuth("Bearer", "BOT_BOTTLE_CODEX_HOST_ACCESS_TOKEN"));
            assertThat(r.tlsPassthrough()).isFalse();
        });
        assertThat(plan.credentialRefs()).containsExactly("BOT_BOTTLE_CODEX_HOST_ACCESS_TOKEN");
        assertThat(plan.placeholderEnv()).isEmpty();
        assertThat(plan.env()).containsExactly(
                Map.entry("CODEX_CA_CERTIFICATE", "/etc/ssl/certs/ca-certificates.crt"));
        assertThat(plan.env()).doesNotContainKeys("OPENAI_API_KEY", "CODEX_API_KEY");
    }

    @Test
    void withoutForwardingPlansNoRouteAndResolvesNoCredential() {
        AgentRequest req = request(false, "", List.of(), Map.of());

        assertThat(provider.plan(req).egressRoutes()).isEmpty();
        assertThat(provider.plan(req).credentialRefs()).isEmpty();
        assertThat(provider.credentials(req)).isEmpty();
        assertThat(provider.provisioningSteps(req, RecordingBottle.refusingExecs()))
                .noneMatch(s -> s instanceof ProvisionStep.WriteFile w && w.path().endsWith("auth.json"));
    }

    @Test
    void declaresForwardHostCredentialsAsABoolean() {
        assertThat(provider.settings()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("forward_host_credentials");
            assertThat(s.kind()).isEqualTo(dev.botbottle.spi.ProviderSetting.Kind.BOOLEAN);
        });
    }

    @Test
    void resolvesTheHostAccessTokenUnderItsReference() throws IOException {
        hostLogin(EXP);

        Map<String, Secret> credentials = provider.credentials(request(true, "", List.of(), Map.of()));

        assertThat(credentials).containsOnlyKeys("BOT_BOTTLE_CODEX_HOST_ACCESS_TOKEN");
        assertThat(credentials.get("BOT_BOTTLE_CODEX_HOST_ACCESS_TOKEN").reveal()).isEqualTo(HostLogins.accessToken(EXP));
    }

    @Test
    void readsTheHostLoginFromCodexHomeWhenTheHostSetsIt(@TempDir Path elsewhere) throws IOException {
        Files.writeString(elsewhere.resolve("auth.json"), HostLogins.chatgpt(EXP));
        AgentRequest req = request(true, "", List.of(), Map.of("CODEX_HOME", elsewhere.toString()));

        assertThat(CodexProvider.hostAuthFile(req)).isEqualTo(elsewhere.resolve("auth.json"));
        assertThat(provider.credentials(req)).containsKey(CodexProvider.ACCESS_TOKEN_REF);
    }

    @Test
    void failsAtPrepareWhenTheHostLoginIsMissingOrExpired() throws IOException {
        AgentRequest req = request(true, "", List.of(), Map.of());
        assertThatThrownBy(() -> provider.credentials(req)).isInstanceOf(CredentialException.class)
                .hasMessageContaining(hostHome.resolve(".codex/auth.json").toString());

        hostLogin(NOW.minusSeconds(60));
        assertThatThrownBy(() -> provider.credentials(req)).isInstanceOf(CredentialException.class)
                .hasMessageContaining("expired");
    }

    @Test
    void writesADummyAuthJsonWithNoRealTokenForTheAgentOnly() throws IOException {
        hostLogin(EXP);

        List<ProvisionStep> steps = provider.provisioningSteps(request(true, "", List.of(), Map.of()), RecordingBottle.refusingExecs());

        ProvisionStep.WriteFile auth = steps.stream().filter(ProvisionStep.WriteFile.class::isInstance)
                .map(ProvisionStep.WriteFile.class::cast).filter(w -> w.path().equals("/home/agent/.codex/auth.json"))
                .findFirst().orElseThrow();
        String text = new String(auth.content(), StandardCharsets.UTF_8);
        assertThat(text).contains("\"account_id\" : \"acct-42\"").doesNotContain("REAL")
                .doesNotContain(HostLogins.accessToken(EXP));
        assertThat(auth.mode()).isEqualTo(0600);
        assertThat(auth.owner()).isEqualTo(FileOwner.AGENT);
    }

    @Test
    void writesConfigPromptAndSkillsWhereCodexReadsThem(@TempDir Path skills) throws IOException {
        Path skill = Files.createDirectories(skills.resolve("acme-deploy"));
        Files.writeString(skill.resolve("SKILL.md"), "---\nname: acme-deploy\ndescription: d\n---\n");

        List<ProvisionStep> steps = provider.provisioningSteps(
                request(false, "Be terse.", List.of(new SkillSource("acme-deploy", skill)), Map.of()), RecordingBottle.refusingExecs());

        assertThat(steps).first().isInstanceOfSatisfying(ProvisionStep.WriteFile.class, w -> {
            assertThat(w.path()).isEqualTo("/home/agent/.codex/config.toml");
            assertThat(new String(w.content(), StandardCharsets.UTF_8))
                    .contains("check_for_update_on_startup = false")
                    .contains("sandbox_mode = \"danger-full-access\"")
                    .contains("[projects.\"/home/agent/workspace\"]");
        });
        assertThat(steps).anySatisfy(s -> assertThat(s).isInstanceOfSatisfying(ProvisionStep.WriteFile.class, w -> {
            assertThat(w.path()).isEqualTo("/home/agent/.codex/AGENTS.md");
            assertThat(new String(w.content(), StandardCharsets.UTF_8)).isEqualTo("Be terse.");
        }));
        assertThat(steps).containsSubsequence(
                new ProvisionStep.RunCommand(List.of("rm", "-rf", "/home/agent/.codex/skills/acme-deploy"),
                        FileOwner.ROOT, false, "remove the old copy of skill acme-deploy"),
                new ProvisionStep.CopyPath(skill, "/home/agent/.codex/skills/acme-deploy", FileOwner.AGENT, 0755));
    }

    @Test
    void registersSuperviseWithTheBearerReadFromTheEnvironment() {
        var endpoint = new SuperviseEndpoint("http://172.18.0.1:40123/mcp", "BOT_BOTTLE_SUPERVISE_TOKEN",
                Secret.of("s3cr3t-bearer"));

        assertThat(provider.superviseSteps(endpoint)).singleElement()
                .isInstanceOfSatisfying(ProvisionStep.RunCommand.class, c -> {
                    assertThat(c.argv()).containsExactly("codex", "mcp", "add", "supervise", "--url",
                            "http://172.18.0.1:40123/mcp", "--bearer-token-env-var", "BOT_BOTTLE_SUPERVISE_TOKEN");
                    assertThat(c.optional()).isTrue();
                    assertThat(c.owner()).isEqualTo(FileOwner.AGENT);
                });
    }

    @Test
    void shipsABuildableImagePinnedToOneVersion() {
        ImageSpec image = provider.plan(request(false, "", List.of(), Map.of())).image().orElseThrow();

        assertThat(CodexProvider.cliVersion()).isEqualTo("0.171.0");
        assertThat(image.reference()).startsWith("bot-bottle/codex:0.171.0-");
        assertThat(image.buildArgs()).containsEntry("CODEX_VERSION", "0.171.0").containsEntry("BASE_IMAGE",
                "bot-bottle/base:bookworm");
        assertThat(image.dockerfile().orElseThrow()).contains("COPY host-ca/ /usr/local/share/ca-certificates/")
                .contains("@openai/codex/-/codex-${CODEX_VERSION}-${platform}.tgz").doesNotContain("0.171.0");
    }

    @Test
    void runsInteractivelyAsPlainCodexAndHeadlessWithFullAccess() {
        assertThat(provider.interactiveCommand()).containsExactly("codex");
        assertThat(provider.headlessCommand("fix it"))
                .containsExactly("codex", "exec", "-s", "danger-full-access", "--skip-git-repo-check", "--", "fix it");
    }

    @Test
    void putsTheSuperviseNotesInAMarkedSectionOfAgentsMd() {
        var endpoint = new SuperviseEndpoint("http://172.18.0.1:40123/mcp", "BOT_BOTTLE_SUPERVISE_TOKEN",
                Secret.of("b"), "## Supervise\ncall egress-block");
        assertThat(provider.superviseSteps(endpoint)).hasSize(2).last()
                .isInstanceOfSatisfying(ProvisionStep.RunCommand.class, c ->
                        assertThat(c.argv()).contains("~/.codex/AGENTS.md", "supervise", "## Supervise\ncall egress-block"));
    }

    @Test
    void theForwardedLoginIsInjectedOnlyOnThePathsCodexUses() {
        var routes = provider.plan(request(true, "", List.of(), Map.of())).egressRoutes();
        var chatgpt = routes.stream().filter(r -> r.host().equals("chatgpt.com")).findFirst().orElseThrow();
        var api = routes.stream().filter(r -> r.host().equals("api.openai.com")).findFirst().orElseThrow();
        // what the real 0.171.0 CLI sent in AgentProvidersIT
        assertThat(admits(chatgpt, "GET", "/backend-api/codex/models")).isTrue();
        assertThat(admits(chatgpt, "POST", "/backend-api/codex/responses")).isTrue();
        assertThat(admits(chatgpt, "GET", "/backend-api/wham/accounts/check")).isTrue();
        assertThat(admits(chatgpt, "GET", "/backend-api/ps/plugins/installed")).isTrue();
        assertThat(admits(api, "POST", "/v1/responses")).isTrue();
        // the rest of what the operator's ChatGPT login could do
        assertThat(admits(chatgpt, "GET", "/backend-api/conversations")).isFalse();
        assertThat(admits(chatgpt, "POST", "/backend-api/ps/mcp")).isFalse();
        assertThat(admits(chatgpt, "POST", "/backend-api/wham/settings/user")).isFalse();
        assertThat(admits(chatgpt, "GET", "/backend-api/codex-evil")).isFalse();
        assertThat(admits(api, "POST", "/v1/files")).isFalse();
        assertThat(admits(api, "DELETE", "/v1/responses/x")).isFalse();
    }

    /** The gateway's rule for one route's matches: some entry admits the method and the path. */
    static boolean admits(dev.botbottle.spi.EgressRoute r, String method, String path) {
        return r.matches().stream().anyMatch(m -> (m.methods().isEmpty() || m.methods().contains(method))
                && (m.paths().isEmpty() || m.paths().stream().anyMatch(p -> p.matches(path))));
    }
}
