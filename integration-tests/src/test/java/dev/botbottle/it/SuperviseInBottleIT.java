package dev.botbottle.it;

import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.manifest.ManifestLoader;
import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plan.PlanJson;
import dev.botbottle.core.plan.PlanRenderer;
import dev.botbottle.core.plan.Planner;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchOptions;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.egress.EgressOptions;
import dev.botbottle.egress.testing.LoopbackUpstream;
import dev.botbottle.egress.testing.TestPki;
import dev.botbottle.spi.Decision;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.Proposal;
import dev.botbottle.spi.ProposedChange;
import dev.botbottle.spi.SuperviseService;
import dev.botbottle.supervise.SuperviseGatewayProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Supervise end to end in a real Docker bottle: a host is refused by the real egress gateway, the agent (curl
 * speaking MCP to its supervise server from inside the bottle) asks for it with egress-block, the host's handler
 * approves it through the runtime, and the same request then passes — also after a stop and resume. A loopback
 * HTTPS upstream with its own test CA stands in for the outside hosts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SuperviseInBottleIT {
    static final String OPEN = "open.example.test";
    static final String WANTED = "pypi.example.test";

    private Path home;
    private LoopbackUpstream upstream;
    private BottleRuntime runtime;
    private Plugins plugins;
    private final List<Proposal> decided = new CopyOnWriteArrayList<>();
    private final List<String> slugs = new ArrayList<>();

    @BeforeAll
    void start() throws IOException {
        Docker.assumeEngine();
        home = Files.createTempDirectory("supervise-it");
        Manifests.write(home, "bottles/sv.md", """
                ---
                image: %s
                agent_provider: {template: shell}
                egress:
                  routes:
                    - host: %s
                ---
                """.formatted(Docker.BASE_IMAGE, OPEN));
        Manifests.write(home, "agents/sv-agent.md", "---\nbottle: sv\n---\nYou test supervise.\n");
        Manifests.write(home, "bottles/quiet.md", "---\nextends: sv\nsupervise: false\n---\n");
        Manifests.write(home, "agents/quiet-agent.md", "---\nbottle: quiet\n---\n");
        TestPki pki = TestPki.create("supervise-it-upstream-ca");
        upstream = LoopbackUpstream.start(pki, List.of(OPEN, WANTED), 4);
        Path upstreamCa = pki.writeCa(home);
        EgressOptions options = EgressOptions.defaults()
                .withResolver((host, port) -> new InetSocketAddress("127.0.0.1", upstream.port()));
        plugins = Plugins.builder().gateway(new LoopbackEgress(options)).gateway(new SuperviseGatewayProvider())
                .build();
        runtime = BottleRuntime.builder().host(host()).plugins(plugins).extraCaFile(upstreamCa)
                .supervisor(p -> {
                    decided.add(p);
                    return Optional.of(p.change() instanceof ProposedChange.Question
                            ? Decision.reject("not in this test") : Decision.approve("granted for the test"));
                }).build();
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
                for (String image : Docker.run("docker", "images", "-q", "bot-bottle/rebuilt-" + slug).out().split("\\s+")) {
                    if (!image.isBlank()) {
                        Docker.run("docker", "rmi", "-f", image);
                    }
                }
            }
            runtime.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aRefusedHostIsApprovedThroughTheHandlerAndTheSameRequestThenPassesAlsoAfterResume() {
        RunningBottle bottle = launch("sv-agent");
        assertThat(curl(bottle, "https://" + OPEN + "/").stdoutText()).as("control: a declared host passes").isEqualTo("ok");

        ExecResult refused = curl(bottle, "http://" + WANTED + "/simple/");
        assertThat(refused.stdoutText()).contains("request denied")
                .contains("call the supervise MCP tool egress-block with {\"host\": \"" + WANTED + "\"");
        assertThat(curl(bottle, "https://" + WANTED + "/simple/").exitCode()).isNotZero();

        String url = endpointUrl(bottle);
        ExecResult answer = McpCurl.call(bottle, url, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"egress-block\",\"arguments\":{\"host\":\"" + WANTED + "\",\"methods\":[\"GET\"],\"justification\":"
                + "\"the task installs a package\"}}}");
        assertThat(answer.stdoutText()).as(answer.stderrText()).contains("APPROVED").contains("granted for the test");
        assertThat(decided).filteredOn(p -> p.slug().equals(bottle.slug())).singleElement().satisfies(p -> {
            assertThat(p.slug()).isEqualTo(bottle.slug());
            assertThat(p.justification()).isEqualTo("the task installs a package");
        });

        assertThat(curl(bottle, "https://" + WANTED + "/simple/").stdoutText()).isEqualTo("ok");
        assertThat(curl(bottle, "-X", "POST", "https://" + WANTED + "/simple/").stdoutText())
                .as("only the method granted").contains("denied");
        assertThat(PlanJson.read(runtime.state().readPlan(bottle.slug()).orElseThrow()).routes())
                .extracting(EgressRoute::host).containsExactly(OPEN, WANTED);

        runtime.stop(bottle.slug());
        RunningBottle resumed = runtime.resume(bottle.slug());
        assertThat(curl(resumed, "https://" + WANTED + "/simple/").stdoutText()).as("resume keeps the route").isEqualTo("ok");
        assertThat(McpCurl.call(resumed, endpointUrl(resumed), "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"list-egress-routes\",\"arguments\":{}}}").stdoutText())
                .contains(WANTED + " {GET}");
    }

    @Test
    void anApprovedImageChangeIsBuiltOnResumeKeepingTheBottlesFiles() {
        RunningBottle bottle = launch("sv-agent");
        assertThat(bottle.exec("sh", "-c", "echo kept > work.txt").exitCode()).isZero();
        ExecResult answer = McpCurl.call(bottle, endpointUrl(bottle), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"capability-block\",\"arguments\":{\"dockerfile\":"
                + "\"RUN touch /opt/rebuilt-by-supervise\",\"justification\":\"the task needs a tool\"}}}");
        assertThat(answer.stdoutText()).as(answer.stderrText()).contains("APPROVED").contains("rebuilds the bottle");
        assertThat(bottle.exec("test", "-e", "/opt/rebuilt-by-supervise").exitCode()).as("not before the rebuild").isNotZero();
        assertThat(runtime.proposals().pendingImageChanges(bottle.slug())).hasValue("RUN touch /opt/rebuilt-by-supervise\n");

        runtime.stop(bottle.slug());
        RunningBottle rebuilt = runtime.resume(bottle.slug());
        assertThat(rebuilt.exec("test", "-e", "/opt/rebuilt-by-supervise").exitCode()).isZero();
        assertThat(rebuilt.exec("cat", "work.txt").stdoutText().strip()).as("the agent's files stay").isEqualTo("kept");
        assertThat(curl(rebuilt, "https://" + OPEN + "/").stdoutText()).as("gateway and CA still work").isEqualTo("ok");
        assertThat(curl(rebuilt, "http://" + WANTED + "/").stdoutText()).as("and still refuse").contains("request denied");
        assertThat(runtime.proposals().pendingImageChanges(bottle.slug())).isEmpty();
        assertThat(Docker.run("docker", "inspect", "-f", "{{.Config.Image}}", "bb-" + bottle.slug()).out().strip())
                .startsWith("bot-bottle/rebuilt-" + bottle.slug() + ":");
    }

    @Test
    void superviseFalseStartsNoServerRegistersNothingAndThePreflightSaysSo() {
        Manifest manifest = ManifestLoader.forHome(home).loadStrict();
        BottlePlan plan = new Planner(plugins, host()).plan(manifest, "quiet-agent", "docker", Optional.empty());
        assertThat(PlanRenderer.render(plan)).contains("supervise:").contains("off");
        RunningBottle bottle = launch("quiet-agent");
        assertThat(bottle.gateways()).extracting(g -> g.name()).containsExactly("egress");
        assertThat(bottle.envNames()).doesNotContain("BOT_BOTTLE_SUPERVISE_TOKEN");
        assertThat(runtime.state().readMetadata(bottle.slug()).orElseThrow().gatewayPorts()).doesNotContainKey("supervise");
    }

    private RunningBottle launch(String agent) {
        Manifest manifest = ManifestLoader.forHome(home).loadStrict();
        BottlePlan plan = new Planner(plugins, host()).plan(manifest, agent, "docker", Optional.empty());
        slugs.add(plan.slug());
        return runtime.launch(plan, LaunchOptions.DEFAULTS);
    }

    private String endpointUrl(RunningBottle bottle) {
        var reach = runtime.state().readMetadata(bottle.slug()).orElseThrow().reach();
        return bottle.gateway("supervise", SuperviseService.class).orElseThrow().endpoint(reach).url();
    }

    private static ExecResult curl(RunningBottle bottle, String... args) {
        List<String> argv = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        argv.addAll(List.of(args));
        return bottle.exec(argv.toArray(String[]::new));
    }

    private HostEnvironment host() {
        return new HostEnvironment(home, home, Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
    }
}
