package dev.botbottle.it;

import dev.botbottle.provider.codex.CodexProvider;
import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.Secret;
import dev.botbottle.spi.SkillSource;
import dev.botbottle.spi.SuperviseEndpoint;
import dev.botbottle.core.runtime.HostTrust;
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
 * The provider's image and steps against the real Codex binary, in a bottle with no way out: the Docker backend
 * builds the image from the shipped Dockerfile, the binary runs at the pinned version, and after core's provisioning
 * engine applied the steps the dummy {@code auth.json} passes {@code codex login status}, and prompt, skills and the
 * supervise registration end up where Codex reads them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CodexCliIT {
    private static final String SUPERVISE_URL = "http://172.18.0.1:40123/mcp";
    private static final Instant EXP = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    private static final String ACCESS_TOKEN = AgentProvidersIT.jwt("{\"exp\":" + EXP.getEpochSecond()
            + ",\"https://api.openai.com/auth\":{\"chatgpt_account_id\":\"acct-42\",\"chatgpt_plan_type\":\"pro\","
            + "\"chatgpt_user_id\":\"user-7\"},\"https://api.openai.com/profile\":{\"email\":\"dev@example.com\"},"
            + "\"secret_marker\":\"REAL-ACCESS-SECRET\"}");
    private static final String ID_TOKEN = AgentProvidersIT.jwt("{\"exp\":" + EXP.getEpochSecond()
            + ",\"email\":\"dev@example.com\",\"https://api.openai.com/auth\":{\"chatgpt_account_id\":\"acct-42\","
            + "\"chatgpt_plan_type\":\"pro\",\"chatgpt_user_id\":\"user-7\"},\"marker\":\"REAL-ID-SECRET\"}");
    private static final String REFRESH = "rt_REAL-REFRESH-SECRET";

    private final CodexProvider provider = new CodexProvider();
    private ProviderBottle bottle;
    private Map<String, String> bottleEnv;

    @BeforeAll
    void launchAndProvision() throws Exception {
        Docker.assumeEngine();
        Path hostHome = Files.createTempDirectory("codex-it-home");
        Files.createDirectories(hostHome.resolve(".codex"));
        // a host auth.json as `codex login` writes it, with made-up (unsigned) tokens
        Files.writeString(hostHome.resolve(".codex/auth.json"), """
                {
                  "auth_mode": "chatgpt",
                  "OPENAI_API_KEY": null,
                  "tokens": {"id_token": "%s", "access_token": "%s", "refresh_token": "%s", "account_id": "acct-42"},
                  "last_refresh": "2026-11-20T10:00:00.000000Z",
                  "personal_access_token": "pat-REAL-PAT-SECRET"
                }
                """.formatted(ID_TOKEN, ACCESS_TOKEN, REFRESH));
        Path skill = Files.createDirectories(hostHome.resolve("skills/acme-deploy"));
        Files.writeString(skill.resolve("SKILL.md"),
                "---\nname: acme-deploy\ndescription: Deploys the acme service with make deploy\n---\nRun make deploy.\n");
        AgentRequest request = AgentRequest.builder("dev", "dev-it").prompt("Always answer in French.")
                .skills(List.of(new SkillSource("acme-deploy", skill)))
                .settings(Map.of(CodexProvider.FORWARD_SETTING, "true")).hostHome(hostHome).build();

        AgentProvisionPlan plan = provider.plan(request);
        assertThat(provider.credentials(request)).containsKey(CodexProvider.ACCESS_TOKEN_REF);

        bottle = ProviderBottle.start("codex-cli-it", plan);
        bottleEnv = bottle.env();
        // stand-in for the core installing the gateway CA at the path CODEX_CA_CERTIFICATE names
        bottle.provision(List.of(new ProvisionStep.TrustCertificate("bot-bottle-egress", standInCa())));
        bottle.provision(provider.provisioningSteps(request, bottle.bottle()));
        // provisioning again (as on resume) replaces a skill's old copy
        bottle.sh("agent", "touch", "/home/agent/.codex/skills/acme-deploy/stale.md");
        bottle.provision(provider.provisioningSteps(request, bottle.bottle()));
        bottle.provision(provider.superviseSteps(new SuperviseEndpoint("http://172.18.0.1:1/old", "BOT_BOTTLE_SUPERVISE_TOKEN",
                Secret.of("unused"))));
        bottle.provision(provider.superviseSteps(new SuperviseEndpoint(SUPERVISE_URL, "BOT_BOTTLE_SUPERVISE_TOKEN",
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
        String token = ACCESS_TOKEN;
        ExecResult grep = bottle.exec(ExecRequest.of("grep", "-rlF", "-e", token, "-e", REFRESH,
                "/home", "/tmp", "/etc", "/root", "/usr/local").asUser("root"));
        assertThat(grep.exitCode()).as("grep found: " + grep.stdoutText()).isEqualTo(1);
        assertThat(bottle.sh("agent", "env")).doesNotContain(token).doesNotContain("OPENAI_API_KEY");
        assertThat(bottle.sh("agent", "cat", "/home/agent/.codex/auth.json")).contains("\"account_id\" : \"acct-42\"");
    }

    @Test
    void registersSuperviseWithTheRealCodexMcpAddKeepingTheConfig() {
        assertThat(bottle.warnings()).isEmpty();
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
        long start = System.nanoTime();
        ExecResult input = codex("/home/agent/workspace", "debug", "prompt-input", "hi");
        System.out.println("codex debug prompt-input: " + (System.nanoTime() - start) / 1_000_000 + " ms");

        assertThat(input.exitCode()).as(input.stderrText()).isZero();
        String text = input.stdoutText();
        assertThat(text.contains("Always answer in French.")).as("AGENTS.md in the model input").isTrue();
        assertThat(text.contains("- acme-deploy: Deploys the acme service")).as("skill listed").isTrue();
        assertThat(text.contains("= `/home/agent/.codex/skills`")).as("skill root").isTrue();
    }
}
