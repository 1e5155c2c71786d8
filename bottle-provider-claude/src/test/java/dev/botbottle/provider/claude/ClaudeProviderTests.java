package dev.botbottle.provider.claude;

import dev.botbottle.testkit.doubles.RecordingBottle;
import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.DlpPolicy;
import dev.botbottle.spi.EgressRoute;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClaudeProviderTests {

    private final ClaudeProvider provider = new ClaudeProvider();

    static AgentRequest request(Optional<String> authToken, String prompt, List<SkillSource> skills) {
        return AgentRequest.builder("dev", "dev-abc12").prompt(prompt).skills(skills)
                .settings(authToken.map(t -> Map.of(ClaudeProvider.AUTH_TOKEN_SETTING, t)).orElse(Map.of()))
                .hostHome(Path.of("/home/host")).build();
    }

    @Test
    void isFoundByServiceLoaderUnderTemplateClaude() {
        assertThat(ServiceLoader.load(AgentProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("claude")))
                .singleElement().isInstanceOf(ClaudeProvider.class);
    }

    @Test
    void routesTheOAuthTokenThroughTheGatewayAndGivesTheBottleAPlaceholder() {
        AgentProvisionPlan plan = provider.plan(request(Optional.of("BOT_BOTTLE_CLAUDE_OAUTH_TOKEN"), "", List.of()));

        assertThat(plan.egressRoutes()).singleElement().satisfies(route -> {
            assertThat(route.host()).isEqualTo("api.anthropic.com");
            assertThat(route.auth()).contains(new RouteAuth("Bearer", "BOT_BOTTLE_CLAUDE_OAUTH_TOKEN"));
            assertThat(route.tlsPassthrough()).isFalse();
            assertThat(route.effectivePorts()).containsExactly(443);
            assertThat(route.dlp()).isEqualTo(new DlpPolicy(DlpPolicy.Action.REDACT, true));
        });
        assertThat(plan.placeholderEnv()).containsExactly(Map.entry("CLAUDE_CODE_OAUTH_TOKEN", ClaudeProvider.PLACEHOLDER));
        assertThat(plan.hiddenEnvNames()).containsExactly("CLAUDE_CODE_OAUTH_TOKEN");
        assertThat(plan.credentialRefs()).as("the runtime resolves the host variable itself").isEmpty();
    }

    @Test
    void turnsOffNonessentialTrafficAndSelfUpdateAndNeverSetsAnApiKey() {
        AgentProvisionPlan plan = provider.plan(request(Optional.of("TOKEN"), "", List.of()));

        assertThat(plan.env()).containsEntry("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
                .containsEntry("DISABLE_AUTOUPDATER", "1");
        assertThat(plan.env()).doesNotContainKeys("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN");
        assertThat(plan.placeholderEnv()).doesNotContainKeys("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN");
    }

    @Test
    void withoutAuthTokenPlansNoRouteAndNoPlaceholder() {
        AgentProvisionPlan plan = provider.plan(request(Optional.empty(), "", List.of()));

        assertThat(plan.egressRoutes()).isEmpty();
        assertThat(plan.placeholderEnv()).isEmpty();
        assertThat(plan.hiddenEnvNames()).isEmpty();
        assertThat(plan.image()).isPresent();
    }

    @Test
    void declaresAuthTokenAsTheNameOfAHostVariable() {
        assertThat(provider.settings()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("auth_token");
            assertThat(s.kind()).isEqualTo(dev.botbottle.spi.ProviderSetting.Kind.HOST_VARIABLE);
        });
    }

    @Test
    void shipsABuildableImagePinnedToOneVersion() {
        ImageSpec image = provider.plan(request(Optional.empty(), "", List.of())).image().orElseThrow();

        assertThat(ClaudeProvider.cliVersion()).isEqualTo("2.1.332");
        assertThat(image.reference()).startsWith("bot-bottle/claude:2.1.332-");
        assertThat(image.buildable()).isTrue();
        assertThat(image.buildArgs()).containsEntry("BASE_IMAGE", "bot-bottle/base:bookworm")
                .containsEntry("CLAUDE_CODE_VERSION", "2.1.332")
                .containsKeys("CLAUDE_CODE_SHA512_AMD64", "CLAUDE_CODE_SHA512_ARM64");
        assertThat(image.dockerfile().orElseThrow())
                .contains("ARG BASE_IMAGE=bot-bottle/base:bookworm")
                .contains("COPY host-ca/ /usr/local/share/ca-certificates/")
                .contains("@anthropic-ai/claude-code-${platform}")
                .doesNotContain("2.1.332");
    }

    @Test
    void imageTagIsStableForTheSameRecipeAndChangesWithTheBase() {
        String one = new ClaudeProvider().plan(request(Optional.empty(), "", List.of())).image().orElseThrow().reference();
        String again = new ClaudeProvider().plan(request(Optional.empty(), "", List.of())).image().orElseThrow().reference();
        String other = new ClaudeProvider("example/base:1").plan(request(Optional.empty(), "", List.of())).image()
                .orElseThrow().reference();

        assertThat(again).isEqualTo(one);
        assertThat(other).isNotEqualTo(one).startsWith("bot-bottle/claude:2.1.332-");
    }

    @Test
    void writesThePromptAsUserMemory() {
        List<ProvisionStep> steps = provider.provisioningSteps(request(Optional.empty(), "Be terse.", List.of()),
                RecordingBottle.refusingExecs());

        assertThat(steps).filteredOn(ProvisionStep.WriteFile.class::isInstance).map(ProvisionStep.WriteFile.class::cast)
                .singleElement().satisfies(w -> {
                    assertThat(w.path()).isEqualTo("/home/agent/.claude/CLAUDE.md");
                    assertThat(new String(w.content(), StandardCharsets.UTF_8)).isEqualTo("Be terse.");
                    assertThat(w.owner()).isEqualTo(FileOwner.AGENT);
                    assertThat(w.mode()).isEqualTo(0644);
                });
    }

    @Test
    void writesNoMemoryFileForAnEmptyPrompt() {
        List<ProvisionStep> steps = provider.provisioningSteps(request(Optional.empty(), "  \n", List.of()),
                RecordingBottle.refusingExecs());

        assertThat(steps).noneMatch(ProvisionStep.WriteFile.class::isInstance);
    }

    @Test
    void replacesEachSkillsOldCopyAndGivesItToTheAgent(@TempDir Path tmp) throws IOException {
        Path skill = Files.createDirectories(tmp.resolve("acme-deploy"));
        Files.writeString(skill.resolve("SKILL.md"), "---\nname: acme-deploy\ndescription: d\n---\n");

        List<ProvisionStep> steps = provider.provisioningSteps(
                request(Optional.empty(), "", List.of(new SkillSource("acme-deploy", skill))), RecordingBottle.refusingExecs());

        assertThat(steps).containsSubsequence(
                new ProvisionStep.RunCommand(List.of("rm", "-rf", "/home/agent/.claude/skills/acme-deploy"),
                        FileOwner.ROOT, false, "remove the old copy of skill acme-deploy"),
                new ProvisionStep.CopyPath(skill, "/home/agent/.claude/skills/acme-deploy", FileOwner.AGENT, 0755));
    }

    @Test
    void rejectsASkillWithoutSkillMdOrWithAPathForAName(@TempDir Path tmp) throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path good = Files.createDirectories(tmp.resolve("good"));
        Files.writeString(good.resolve("SKILL.md"), "x");

        assertThatThrownBy(() -> provider.provisioningSteps(
                request(Optional.empty(), "", List.of(new SkillSource("empty", empty))), RecordingBottle.refusingExecs()))
                .isInstanceOf(BottleException.class).hasMessageContaining("no SKILL.md");
        assertThatThrownBy(() -> provider.provisioningSteps(
                request(Optional.empty(), "", List.of(new SkillSource("../evil", good))), RecordingBottle.refusingExecs()))
                .isInstanceOf(BottleException.class).hasMessageContaining("'../evil'");
    }

    @Test
    void mergesClaudeJsonInsideTheBottleRatherThanOverwritingIt() {
        List<ProvisionStep> steps = provider.provisioningSteps(request(Optional.empty(), "", List.of()), RecordingBottle.refusingExecs());

        assertThat(steps).filteredOn(ProvisionStep.RunCommand.class::isInstance).map(ProvisionStep.RunCommand.class::cast)
                .filteredOn(c -> c.argv().contains("/home/agent/.claude.json"))
                .singleElement().satisfies(c -> {
                    assertThat(c.argv()).startsWith("sh", "-c", JsonMergeStep.SCRIPT);
                    assertThat(c.owner()).isEqualTo(FileOwner.AGENT);
                    assertThat(c.optional()).isFalse();
                    String json = c.argv().get(c.argv().size() - 1);
                    assertThat(json).contains("\"hasCompletedOnboarding\":true")
                            .contains("\"/home/agent/workspace\":{").contains("\"hasTrustDialogAccepted\":true");
                });
        assertThat(steps).noneMatch(s -> s instanceof ProvisionStep.WriteFile w && w.path().endsWith(".claude.json"));
    }

    @Test
    void registersSuperviseAsAnOptionalUserScopedHttpServerWithoutTheBearerOnAnyCommandLine() {
        var endpoint = new SuperviseEndpoint("http://172.18.0.1:40123/mcp", "BOT_BOTTLE_SUPERVISE_TOKEN",
                Secret.of("s3cr3t-bearer"));

        List<ProvisionStep> steps = provider.superviseSteps(endpoint);

        assertThat(steps).hasSize(2);
        assertThat(steps.get(0)).isInstanceOfSatisfying(ProvisionStep.WriteFile.class, w -> {
            assertThat(new String(w.content(), StandardCharsets.UTF_8)).isEqualTo("s3cr3t-bearer");
            assertThat(w.mode()).isEqualTo(0600);
            assertThat(w.owner()).isEqualTo(FileOwner.AGENT);
            assertThat(w.toString()).doesNotContain("s3cr3t");
        });
        assertThat(steps.get(1)).isInstanceOfSatisfying(ProvisionStep.RunCommand.class, c -> {
            assertThat(c.optional()).isTrue();
            assertThat(c.owner()).isEqualTo(FileOwner.AGENT);
            assertThat(c.argv()).endsWith("supervise", "http://172.18.0.1:40123/mcp");
            assertThat(String.join(" ", c.argv()))
                    .contains("claude mcp add --scope user --transport http \"$1\" \"$2\" --header \"Authorization: Bearer $t\"")
                    .doesNotContain("s3cr3t");
            assertThat(c.toString() + c.description()).doesNotContain("s3cr3t");
        });
    }

    @Test
    void runsInteractivelyAsPlainClaudeAndHeadlessAsStreamJson() {
        assertThat(provider.interactiveCommand()).containsExactly("claude");
        assertThat(provider.headlessCommand("fix the build"))
                .containsExactly("claude", "-p", "--output-format", "stream-json", "--verbose", "--", "fix the build");
        assertThat(provider.headlessCommand("-v is not a flag here")).endsWith("--", "-v is not a flag here");
    }

    @Test
    void requestRoutesAreValidEgressRoutes() {
        // the SPI rejects auth with passthrough; make sure the provider's route is the intercepted kind
        EgressRoute route = provider.plan(request(Optional.of("T"), "", List.of())).egressRoutes().get(0);
        assertThat(route.auth()).isPresent();
        assertThat(route.tlsPassthrough()).isFalse();
    }

    @Test
    void putsTheSuperviseNotesInAMarkedSectionOfClaudeMdAfterRegistering() {
        var endpoint = new SuperviseEndpoint("http://172.18.0.1:40123/mcp", "BOT_BOTTLE_SUPERVISE_TOKEN",
                dev.botbottle.spi.Secret.of("b"), "## Supervise\ncall egress-block");
        List<ProvisionStep> steps = provider.superviseSteps(endpoint);
        assertThat(steps).hasSize(3).last().isInstanceOfSatisfying(ProvisionStep.RunCommand.class, c ->
                assertThat(c.argv()).contains("~/.claude/CLAUDE.md", "supervise", "## Supervise\ncall egress-block"));
    }

    @Test
    void theOAuthTokenIsInjectedOnlyOnThePathsClaudeCodeUses() {
        var route = provider.plan(request(Optional.of("TOKEN"), "", List.of())).egressRoutes().get(0);
        // what the real 2.1.332 CLI sent in AgentProvidersIT
        assertThat(admits(route, "POST", "/v1/messages")).isTrue();
        assertThat(admits(route, "POST", "/v1/messages/count_tokens")).isTrue();
        assertThat(admits(route, "GET", "/api/claude_code/settings")).isTrue();
        assertThat(admits(route, "GET", "/api/claude_code/policy_limits")).isTrue();
        assertThat(admits(route, "GET", "/api/oauth/profile")).isTrue();
        // minting an API key from the OAuth login, and the rest of the API
        assertThat(admits(route, "POST", "/api/oauth/claude_cli/create_api_key")).isFalse();
        assertThat(admits(route, "POST", "/v1/files")).isFalse();
        assertThat(admits(route, "DELETE", "/v1/messages/batches/x")).isFalse();
        assertThat(admits(route, "GET", "/v1/organizations/api_keys")).isFalse();
    }

    /** The gateway's rule for one route's matches: some entry admits the method and the path. */
    static boolean admits(dev.botbottle.spi.EgressRoute r, String method, String path) {
        return r.matches().stream().anyMatch(m -> (m.methods().isEmpty() || m.methods().contains(method))
                && (m.paths().isEmpty() || m.paths().stream().anyMatch(p -> p.matches(path))));
    }
}
