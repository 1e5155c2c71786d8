package dev.botbottle.it;

import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.manifest.ManifestLoader;
import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plan.Planner;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchOptions;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.egress.testing.LoopbackUpstream;
import dev.botbottle.egress.testing.TestPki;
import dev.botbottle.spi.Decision;
import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.GatewayServiceProvider;
import dev.botbottle.spi.ProposedChange;
import dev.botbottle.spi.SuperviseService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Docker bottle launched by the runtime with {@code docker.gateway=process}: its gateway services run in a
 * gateway program of their own (a child process of this JVM), and the runtime reaches them only through the SPI
 * stand-ins the launcher hands back. The upstream is a real TLS server on loopback, reached by the name
 * {@code localhost} (which the program resolves itself) with the route's {@code allow_private}.
 */
class GatewayProcessInBottleIT {

    static final String TOKEN = "gwp-real-" + UUID.randomUUID().toString().replace("-", "");
    static final String GATEWAY_MAIN = "dev.botbottle.gateway.GatewayMain";

    @TempDir
    Path home;

    private TestPki pki;
    private LoopbackUpstream upstream;
    private BottleRuntime runtime;
    private String slug;

    @BeforeEach
    void setUp() throws IOException {
        Docker.assumeEngine();
        pki = TestPki.create("gateway-process-it-ca");
        upstream = LoopbackUpstream.start(pki, List.of("localhost"), 4);
        Path ca = pki.writeCa(home);
        Manifests.write(home, "bottles/outside.md", """
                ---
                image: %s
                agent_provider: {template: shell}
                egress:
                  upstream_ca_files: [%s]
                  routes:
                    - host: localhost
                      ports: [%d]
                      allow_private: true
                      auth: {scheme: Bearer, token_ref: GWP_TOKEN}
                ---
                """.formatted(Docker.BASE_IMAGE, ca, upstream.port()));
        Manifests.write(home, "agents/worker.md", "---\nbottle: outside\n---\nWork.\n");
        runtime = BottleRuntime.builder().host(host()).plugins(Plugins.builder().build())
                .backendOption("docker.gateway", "process")
                .supervisor(p -> Optional.of(p.change() instanceof ProposedChange.Route
                        ? Decision.approve("granted for the test") : Decision.reject("not in this test"))).build();
    }

    @AfterEach
    void tearDown() {
        if (runtime != null) {
            if (slug != null) {
                try {
                    runtime.teardown(slug);
                } catch (RuntimeException ignored) {
                    // the test removed it already, or failed before it existed
                }
            }
            runtime.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void theBottleReachesItsAllowedHostWithTheTokenInjectedAndIsRefusedElsewhere() throws IOException {
        RunningBottle bottle = launch();

        // control: the allowed host answers, with the real token injected by the gateway program
        ExecResult allowed = curl(bottle, "https://localhost:" + upstream.port() + "/echo");
        assertThat(allowed.stdoutText()).as(allowed.stderrText()).isEqualTo("200");
        assertThat(upstream.take().headers().get("authorization")).isEqualTo("Bearer " + TOKEN);

        ExecResult refused = curl(bottle, "https://not-allowed.example.test/");
        assertThat(refused.stdoutText() + refused.stderrText()).contains("403");

        EgressControl egress = bottle.gateway(GatewayServiceProvider.EGRESS, EgressControl.class).orElseThrow();
        assertThat(egress.readAudit()).anySatisfy(e -> {
            assertThat(e.host()).isEqualTo("not-allowed.example.test");
            assertThat(e.verdict()).isEqualTo(EgressAuditEntry.Verdict.DENY);
        });
        assertThat(bottle.gateway(GatewayServiceProvider.SUPERVISE, SuperviseService.class)).isPresent();

        // the services run in a process of their own that holds no secret in its command line or environment
        ProcessHandle program = gatewayProgram();
        String cmdline = cmdline(program.pid());
        String environ = Files.readString(Path.of("/proc/" + program.pid() + "/environ"), StandardCharsets.ISO_8859_1);
        assertThat(cmdline).contains(GATEWAY_MAIN).doesNotContain(TOKEN);
        assertThat(environ).doesNotContain(TOKEN).doesNotContain("GWP_TOKEN");

        runtime.teardown(slug);
        slug = null;
        assertThat(program.isAlive()).as("the gateway program ends with its bottle").isFalse();
    }

    @Test
    void routesReplacedThroughTheControlChannelDecideTheBottlesNextRequests() {
        RunningBottle bottle = launch();
        String url = "https://localhost:" + upstream.port() + "/echo";
        assertThat(curl(bottle, url).stdoutText()).isEqualTo("200");
        upstream.take();

        EgressControl egress = bottle.gateway(GatewayServiceProvider.EGRESS, EgressControl.class).orElseThrow();
        List<EgressRoute> before = egress.routes();
        egress.replaceRoutes(List.of(EgressRoute.allow("elsewhere.example.test")));
        ExecResult refused = curl(bottle, url);
        assertThat(refused.stdoutText() + refused.stderrText()).contains("403");

        egress.replaceRoutes(before);
        assertThat(curl(bottle, url).stdoutText()).isEqualTo("200");
        assertThat(upstream.take().headers().get("authorization")).isEqualTo("Bearer " + TOKEN);
    }

    @Test
    void aStoppedBottleResumesWithANewGatewayProgram() {
        RunningBottle bottle = launch();
        String url = "https://localhost:" + upstream.port() + "/echo";
        assertThat(curl(bottle, url).stdoutText()).isEqualTo("200");
        upstream.take();
        ProcessHandle first = gatewayProgram();

        runtime.stop(slug);
        assertThat(first.isAlive()).isFalse();
        RunningBottle resumed = runtime.resume(slug);
        assertThat(curl(resumed, url).stdoutText()).isEqualTo("200");
        assertThat(upstream.take().headers().get("authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(gatewayProgram().pid()).isNotEqualTo(first.pid());
    }

    @Test
    void aProposalFromTheBottleReachesTheRuntimesDeskAndItsApprovalWidensTheProgramsRoutes() {
        RunningBottle bottle = launch();
        EgressControl egress = bottle.gateway(GatewayServiceProvider.EGRESS, EgressControl.class).orElseThrow();
        // control: the host is not allowed yet
        ExecResult refused = curl(bottle, "https://wanted.example.test/");
        assertThat(refused.stdoutText() + refused.stderrText()).contains("403");

        var reach = runtime.state().readMetadata(slug).orElseThrow().reach();
        String url = bottle.gateway(GatewayServiceProvider.SUPERVISE, SuperviseService.class).orElseThrow()
                .endpoint(reach).url();
        ExecResult answer = McpCurl.call(bottle, url, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"egress-block\",\"arguments\":{\"host\":\"wanted.example.test\",\"methods\":[\"GET\"],"
                + "\"justification\":\"the task needs it\"}}}");
        assertThat(answer.stdoutText()).as(answer.stderrText()).contains("APPROVED").contains("granted for the test");
        assertThat(egress.routes()).extracting(EgressRoute::host).contains("localhost", "wanted.example.test");
    }

    private RunningBottle launch() {
        Manifest manifest = ManifestLoader.forHome(home).loadStrict();
        BottlePlan plan = new Planner(Plugins.builder().build(), host()).plan(manifest, "worker", "docker",
                Optional.empty());
        slug = plan.slug();
        return runtime.launch(plan, LaunchOptions.DEFAULTS);
    }

    /** curl as the agent, through the bottle's proxy even for {@code localhost} (its NO_PROXY lists it). */
    private static ExecResult curl(RunningBottle bottle, String url) {
        return bottle.exec("curl", "-sS", "--max-time", "30", "--noproxy", "", "-o", "/dev/null", "-w",
                "%{http_code}", url);
    }

    private static ProcessHandle gatewayProgram() {
        // read /proc itself: ProcessHandle.Info leaves out a command line as long as the program's class path
        List<ProcessHandle> programs = ProcessHandle.current().children()
                .filter(p -> cmdline(p.pid()).contains(GATEWAY_MAIN)).toList();
        assertThat(programs).as("gateway programs among this JVM's children").hasSize(1);
        return programs.get(0);
    }

    private static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/cmdline"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    private HostEnvironment host() {
        return new HostEnvironment(home, home, Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                "GWP_TOKEN", TOKEN));
    }
}
