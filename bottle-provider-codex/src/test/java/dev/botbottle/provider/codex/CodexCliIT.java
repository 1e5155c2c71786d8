package dev.botbottle.provider.codex;

import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.Secret;
import dev.botbottle.spi.SkillSource;
import dev.botbottle.spi.SuperviseEndpoint;
import dev.botbottle.spi.support.HostTrust;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The provider's image and steps against the real Codex binary, in a container with no network: the image builds
 * from the shipped Dockerfile, the binary runs at the pinned version, the dummy {@code auth.json} passes
 * {@code codex login status}, and prompt, skills and the supervise registration end up where Codex reads them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CodexCliIT {
    private static final String SUPERVISE_URL = "http://172.18.0.1:40123/mcp";
    private static final Instant EXP = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);

    private final CodexProvider provider = new CodexProvider();
    private DockerExecBottle bottle;
    private StepApplier applier;
    private Map<String, String> bottleEnv;

    @BeforeAll
    void launchAndProvision() throws Exception {
        DockerCli.assumeDocker();
        DockerCli.ensureBaseImage();
        Path hostHome = Files.createTempDirectory("codex-it-home");
        Files.createDirectories(hostHome.resolve(".codex"));
        Files.writeString(hostHome.resolve(".codex/auth.json"), HostLogins.chatgpt(EXP));
        Path skill = Files.createDirectories(hostHome.resolve("skills/acme-deploy"));
        Files.writeString(skill.resolve("SKILL.md"),
                "---\nname: acme-deploy\ndescription: Deploys the acme service with make deploy\n---\nRun make deploy.\n");
        AgentRequest request = new AgentRequest("dev", "dev-it", "Always answer in French.",
                List.of(new SkillSource("acme-deploy", skill)), Optional.empty(), true, Map.of(), hostHome, Map.of());

        AgentProvisionPlan plan = provider.plan(request);
        ImageSpec image = plan.image().orElseThrow();
        Duration took = DockerCli.build(image);
        System.out.printf("agent image %s: %s, %s%n", image.reference(),
                took.isZero() ? "cached" : "built in " + took.toSeconds() + " s",
                DockerCli.docker("image", "inspect", "--format", "{{.Size}}", image.reference()).stdout().trim() + " bytes");
        assertThat(provider.credentials(request)).containsKey(CodexProvider.ACCESS_TOKEN_REF);

        bottleEnv = Map.copyOf(plan.env());
        bottle = DockerExecBottle.start(image.reference(), bottleEnv);
        applier = new StepApplier(bottle);
        // stand-in for the core installing the gateway CA at the path CODEX_CA_CERTIFICATE names
        applier.apply(List.of(new ProvisionStep.TrustCertificate("bot-bottle-egress", standInCa())));
        applier.apply(provider.provisioningSteps(request, bottle));
        // provisioning again (as on resume) replaces a skill's old copy
        bottle.sh("agent", "touch", "/home/agent/.codex/skills/acme-deploy/stale.md");
        applier.apply(provider.provisioningSteps(request, bottle));
        applier.apply(provider.superviseSteps(new SuperviseEndpoint("http://172.18.0.1:1/old", "BOT_BOTTLE_SUPERVISE_TOKEN",
                Secret.of("unused"))));
        applier.apply(provider.superviseSteps(new SuperviseEndpoint(SUPERVISE_URL, "BOT_BOTTLE_SUPERVISE_TOKEN",
                Secret.of("unused"))));
        bottle.sh("agent", "mkdir", "-p", "/home/agent/workspace");
    }

    private static String standInCa() throws Exception {
        List<String> extra = HostTrust.system().extraCertificates();
        if (!extra.isEmpty()) {
            return extra.get(0);
        }
        String bundle = Files.readString(HostTrust.SYSTEM_BUNDLE);
        return bundle.substring(bundle.indexOf("-----BEGIN CERTIFICATE-----"),
                bundle.indexOf("-----END CERTIFICATE-----") + "-----END CERTIFICATE-----".length()) + "\n";
    }

    @AfterAll
    void remove() {
        if (bottle != null) {
            bottle.close();
        }
    }

    private ExecResult codex(String workdir, String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("codex"));
        argv.addAll(List.of(args));
        return bottle.exec(new ExecRequest(argv, bottleEnv, Optional.of(workdir), Optional.empty(), Optional.empty(),
                Duration.ofSeconds(90)));
    }

    @Test
    void runsThePinnedVersion() {
        assertThat(codex("/home/agent", "--version").stdoutText()).contains("codex-cli " + CodexProvider.cliVersion());
    }

    @Test
    void acceptsTheDummyAuthJsonOffline() {
        ExecResult status = codex("/home/agent", "login", "status");

        assertThat(status.exitCode()).as(status.stderrText()).isZero();
        assertThat(status.stdoutText() + status.stderrText()).contains("Logged in using ChatGPT");
        assertThat(bottle.sh("root", "stat", "-c", "%U %a", "/home/agent/.codex/auth.json").trim()).isEqualTo("agent 600");
    }

    @Test
    void theRealTokenIsNowhereInTheBottle() {
        String token = HostLogins.accessToken(EXP);
        ExecResult grep = bottle.exec(ExecRequest.of("grep", "-rlF", "-e", token, "-e", HostLogins.REFRESH,
                "/home", "/tmp", "/etc", "/root", "/usr/local").asUser("root"));
        assertThat(grep.exitCode()).as("grep found: " + grep.stdoutText()).isEqualTo(1);
        assertThat(bottle.sh("agent", "env")).doesNotContain(token).doesNotContain("OPENAI_API_KEY");
        assertThat(bottle.sh("agent", "cat", "/home/agent/.codex/auth.json")).contains("\"account_id\" : \"acct-42\"");
    }

    @Test
    void registersSuperviseWithTheRealCodexMcpAddKeepingTheConfig() {
        assertThat(applier.optionalFailures()).isEmpty();
        String config = bottle.sh("agent", "cat", "/home/agent/.codex/config.toml");

        assertThat(config).contains("[mcp_servers.supervise]").contains("url = \"" + SUPERVISE_URL + "\"")
                .contains("bearer_token_env_var = \"BOT_BOTTLE_SUPERVISE_TOKEN\"")
                .doesNotContain("172.18.0.1:1/old")
                .contains("check_for_update_on_startup = false").contains("[projects.\"/home/agent/workspace\"]");
        assertThat(codex("/home/agent", "mcp", "get", "supervise", "--json").stdoutText())
                .contains("\"type\": \"streamable_http\"").contains(SUPERVISE_URL);
    }

    @Test
    void provisioningAgainReplacesTheSkillsOldCopy() {
        ExecResult stale = bottle.exec(ExecRequest.of("test", "-e", "/home/agent/.codex/skills/acme-deploy/stale.md"));
        assertThat(stale.exitCode()).isNotZero();
    }

    @Test
    void codexSeesThePromptAndTheSkillInItsModelInput() {
        ExecResult input = codex("/home/agent/workspace", "debug", "prompt-input", "hi");

        assertThat(input.exitCode()).as(input.stderrText()).isZero();
        String text = input.stdoutText();
        assertThat(text.contains("Always answer in French.")).as("AGENTS.md in the model input").isTrue();
        assertThat(text.contains("- acme-deploy: Deploys the acme service")).as("skill listed").isTrue();
        assertThat(text.contains("= `/home/agent/.codex/skills`")).as("skill root").isTrue();
    }
}
