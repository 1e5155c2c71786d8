package dev.botbottle.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.manifest.ManifestLoader;
import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plan.Planner;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchOptions;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.egress.EgressOptions;
import dev.botbottle.egress.testing.LoopbackUpstream;
import dev.botbottle.egress.testing.TestPki;
import dev.botbottle.provider.claude.ClaudeProvider;
import dev.botbottle.provider.codex.CodexProvider;
import dev.botbottle.supervise.SuperviseGatewayProvider;
import dev.botbottle.supervise.SuperviseServer;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Claude and Codex providers through the runtime, on the real Docker engine, with the real CLIs: a bottle is
 * launched from a manifest, the provider's image is built (or found by tag), the CLI runs, and a model request the
 * real CLI makes with its placeholder leaves the egress gateway carrying the real credential. A loopback HTTPS
 * upstream with its own test CA stands in for the model API hosts (a test resolver sends every host to it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentProvidersIT {
    static final String CLAUDE_TOKEN = "sk-ant-oat01-real-" + UUID.randomUUID().toString().replace("-", "");
    static final Instant CODEX_EXPIRY = Instant.now().plus(4, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    static final String CODEX_ACCESS = jwt("{\"exp\":" + CODEX_EXPIRY.getEpochSecond()
            + ",\"https://api.openai.com/auth\":{\"chatgpt_account_id\":\"acct-it\",\"chatgpt_plan_type\":\"plus\"},"
            + "\"nonce\":\"" + UUID.randomUUID() + "\"}");
    static final String CODEX_REFRESH = "rt_real_" + UUID.randomUUID().toString().replace("-", "");

    private Path home;
    private LoopbackUpstream upstream;
    private Plugins plugins;
    private BottleRuntime runtime;
    private final List<String> slugs = new ArrayList<>();

    @BeforeAll
    void start() throws IOException {
        Docker.assumeEngine();
        home = Files.createTempDirectory("providers-it");
        Manifests.write(home, "bottles/claude.md", "---\nagent_provider: {template: claude, auth_token: BOT_BOTTLE_CLAUDE_OAUTH_TOKEN}\n---\n");
        Manifests.write(home, "agents/claude-coder.md", "---\nbottle: claude\n---\nAlways answer in French.\n");
        Manifests.write(home, "bottles/codex.md", "---\nagent_provider: {template: codex, forward_host_credentials: true}\n---\n");
        Manifests.write(home, "agents/codex-coder.md", "---\nbottle: codex\n---\nAlways answer in German.\n");
        Manifests.write(home, ".codex/auth.json", """
                {"auth_mode": "chatgpt", "OPENAI_API_KEY": null,
                 "tokens": {"id_token": "%s", "access_token": "%s", "refresh_token": "%s", "account_id": "acct-it"},
                 "last_refresh": "2026-11-25T08:00:00Z"}
                """.formatted(CODEX_ACCESS, CODEX_ACCESS, CODEX_REFRESH));

        TestPki pki = TestPki.create("providers-it-upstream-ca");
        upstream = LoopbackUpstream.start(pki, List.of(ClaudeProvider.API_HOST, "chatgpt.com", "api.openai.com"), 4);
        Path upstreamCa = pki.writeCa(home);
        EgressOptions options = EgressOptions.defaults()
                .withResolver((host, port) -> new InetSocketAddress("127.0.0.1", upstream.port()));
        plugins = Plugins.builder().gateway(new LoopbackEgress(options)).gateway(new SuperviseGatewayProvider())
                .build();
        runtime = BottleRuntime.builder().host(host()).plugins(plugins).extraCaFile(upstreamCa).build();
    }

    @AfterAll
    void stop() {
        if (runtime != null) {
            for (String slug : slugs) {
                try {
                    runtime.teardown(slug);
                } catch (RuntimeException ignored) {
                    // already gone
                }
            }
            runtime.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void claudeRunsInALaunchedBottleAndItsModelRequestCarriesTheRealTokenOnlyPastTheGateway() {
        RunningBottle bottle = launch("claude-coder");

        assertThat(bottle.exec("claude", "--version").stdoutText()).contains(ClaudeProvider.cliVersion() + " (Claude Code)");
        assertThat(bottle.exec("cat", ".claude/CLAUDE.md").stdoutText()).startsWith("Always answer in French.\n\n")
                .contains("<!-- bot-bottle:supervise -->").contains("egress-block");
        JsonNode claudeJson = json(bottle.exec("cat", ".claude.json").stdoutText());
        assertThat(claudeJson.path("hasCompletedOnboarding").asBoolean()).isTrue();
        JsonNode supervise = claudeJson.path("mcpServers").path("supervise");
        assertThat(supervise.path("type").asText()).isEqualTo("http");
        assertThat(supervise.path("url").asText()).matches("http://[0-9.]+:[0-9]+/mcp");
        assertThat(supervise.path("headers").path("Authorization").asText()).matches("Bearer [A-Za-z0-9_-]{43}");
        assertThat(bottle.warnings()).isEmpty();
        ExecResult mcpList = bottle.exec(timed(60, List.of("claude", "mcp", "list")));
        System.out.println("claude mcp list: " + mcpList.stdoutText().strip());
        assertThat(mcpList.stdoutText()).as(mcpList.stderrText()).containsPattern("supervise: http://[0-9.:]+/mcp \\(HTTP\\) - .*Connected");

        upstream.drain();
        ExecResult run = bottle.exec(timed(60, new ClaudeProvider().headlessCommand("say hi")));
        List<LoopbackUpstream.Received> got = upstream.drain();
        assertThat(got).as("claude exited %d: %s", run.exitCode(), run.stderrText()).isNotEmpty().allSatisfy(r -> {
            assertThat(r.headers()).containsEntry("authorization", "Bearer " + CLAUDE_TOKEN)
                    .containsEntry("host", ClaudeProvider.API_HOST).doesNotContainKey("x-api-key");
        });
        System.out.println("claude's requests through the gateway: " + got.stream().map(r -> r.method() + " " + r.path()).toList());
        assertThat(got).anySatisfy(r -> assertThat(r.path()).startsWith("/v1/messages"));

        assertTokenNowhereInBottle(bottle, CLAUDE_TOKEN);
        assertThat(bottle.exec("sh", "-c", "echo $CLAUDE_CODE_OAUTH_TOKEN").stdoutText().strip())
                .isEqualTo(ClaudeProvider.PLACEHOLDER);
    }

    @Test
    void codexRunsInALaunchedBottleLoggedInWithTheDummyAndItsRequestsCarryTheHostAccessToken() {
        RunningBottle bottle = launch("codex-coder");

        assertThat(bottle.exec("codex", "--version").stdoutText()).contains("codex-cli " + CodexProvider.cliVersion());
        ExecResult status = bottle.exec("codex", "login", "status");
        assertThat(status.stdoutText() + status.stderrText()).contains("Logged in using ChatGPT");
        assertThat(bottle.exec("cat", ".codex/AGENTS.md").stdoutText()).startsWith("Always answer in German.\n\n")
                .contains("<!-- bot-bottle:supervise -->").contains("proposal-status");
        assertThat(bottle.exec("cat", ".codex/config.toml").stdoutText()).contains("[mcp_servers.supervise]")
                .containsPattern("url = \"http://[0-9.]+:[0-9]+/mcp\"")
                .contains("bearer_token_env_var = \"BOT_BOTTLE_SUPERVISE_TOKEN\"");
        assertThat(bottle.warnings()).isEmpty();
        ExecResult mcpList = bottle.exec(timed(60, List.of("codex", "mcp", "list")));
        System.out.println("codex mcp list: " + mcpList.stdoutText().strip());
        assertThat(mcpList.stdoutText()).as(mcpList.stderrText()).contains("supervise").contains("enabled");

        SuperviseServer supervise = bottle.gateway("supervise", SuperviseServer.class).orElseThrow();
        long before = supervise.authorizedRequests();
        upstream.drain();
        ExecResult run = bottle.exec(timed(30, new CodexProvider().headlessCommand("say hi")));
        // codex mcp list does not connect; a Codex session does, with the bearer it reads from the environment
        assertThat(supervise.authorizedRequests()).as("Codex connected to supervise").isGreaterThan(before);
        assertThat(supervise.refusedRequests()).isZero();
        List<LoopbackUpstream.Received> got = upstream.drain();
        assertThat(got).as("codex exited %d: %s", run.exitCode(), run.stderrText()).isNotEmpty().allSatisfy(r -> {
            assertThat(r.headers()).containsEntry("authorization", "Bearer " + CODEX_ACCESS)
                    .containsEntry("chatgpt-account-id", "acct-it");
            assertThat(r.headers().get("host")).isIn("chatgpt.com", "api.openai.com");
        });
        System.out.println("codex's requests through the gateway: " + got.stream().map(r -> r.method() + " " + r.path()).toList());

        assertTokenNowhereInBottle(bottle, CODEX_ACCESS);
        assertTokenNowhereInBottle(bottle, CODEX_REFRESH);
    }

    private RunningBottle launch(String agent) {
        Manifest manifest = ManifestLoader.forHome(home).loadStrict();
        BottlePlan plan = new Planner(plugins, host()).plan(manifest, agent, "docker", Optional.empty());
        slugs.add(plan.slug());
        long start = System.nanoTime();
        RunningBottle bottle = runtime.launch(plan, LaunchOptions.DEFAULTS);
        System.out.printf("launched %s from %s in %d ms%n", plan.slug(), plan.image().reference(),
                (System.nanoTime() - start) / 1_000_000);
        return bottle;
    }

    private static ExecRequest timed(int seconds, List<String> command) {
        List<String> argv = new ArrayList<>(List.of("timeout", String.valueOf(seconds)));
        argv.addAll(command);
        return new ExecRequest(argv, Map.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                Duration.ofSeconds(seconds + 60));
    }

    /** The token is in no file, no process environment and no command line of the bottle. */
    private static void assertTokenNowhereInBottle(RunningBottle bottle, String token) {
        ExecResult procs = bottle.exec(ExecRequest.of("sh", "-c",
                "cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' '\\n'; ps auxww").asUser("root"));
        assertThat(procs.exitCode()).isZero();
        assertThat(procs.stdoutText()).contains("HTTPS_PROXY=").doesNotContain(token);
        // search for the token's unique tail, so the search itself does not carry the token into the bottle
        String tail = token.substring(token.length() - 20);
        ExecResult files = bottle.exec(ExecRequest.of("sh", "-c", "grep -rIl -F -e \"$0\" / --exclude-dir=proc"
                + " --exclude-dir=sys --exclude-dir=dev 2>/dev/null; true", tail).asUser("root"));
        assertThat(files.stdoutText()).as("files holding the real token").isEmpty();
    }

    private HostEnvironment host() {
        return new HostEnvironment(home, home, Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                "BOT_BOTTLE_CLAUDE_OAUTH_TOKEN", CLAUDE_TOKEN));
    }


    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** @return an unsigned JWT with this payload, shaped like the tokens {@code codex login} stores */
    static String jwt(String payload) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }
}
