package dev.botbottle.backend.kubernetes.internal;

import dev.botbottle.core.manifest.ManifestLoader;
import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plan.Planner;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.BottleStatus;
import dev.botbottle.core.runtime.LaunchOptions;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.gateway.GatewayMain;
import dev.botbottle.spi.Availability;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.ExecRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime ({@link BottleRuntime}: plan, launch, stop, resume, remove) over the kubernetes backend, its gateway
 * in the bottle's sidecar. The cluster is {@link KubernetesMockServerDouble}, a DOUBLE: the gateway container's execs
 * are real processes of this host (the runtime's own gateway program), the agent container's execs are played (every
 * command succeeds, provisioning included), the Pods are marked running. {@link PodGatewayDoubleTests} sends the
 * agent's traffic through such a gateway; this test shows the runtime drives it through a bottle's whole life.
 */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KubernetesRuntimeDoubleTests {

    private static final String NS = "bottles";

    private KubernetesMockServerDouble cluster;
    private BottleRuntime runtime;
    @TempDir
    Path home;

    @BeforeEach
    void start() throws IOException {
        cluster = new KubernetesMockServerDouble();
        cluster.runExecsOnThisHost(Names.GATEWAY_CONTAINER);
        cluster.actAsKubelet(NS);
        cluster.programs(e -> e.argv().equals(List.of("cat", "/etc/passwd"))
                ? KubernetesMockServerDouble.Result.ok(KubernetesMockServerDouble.PASSWD)
                : KubernetesMockServerDouble.Result.ok(""));
        write("bottles/plain.md", """
                ---
                image: bot-bottle/base:bookworm
                agent_provider: {template: shell}
                egress:
                  routes:
                    - host: registry.npmjs.org
                ---
                """);
        write("agents/worker.md", "---\nbottle: plain\n---\nDo the work.\n");
        Path root = Files.createDirectories(home.resolve("gateway-root"));
        Map<String, String> options = Map.of("kubernetes.namespace", NS, "kubernetes.workload", "pod",
                "kubernetes.start-timeout", "60", "kubernetes.gateway.image", "bot-bottle/gateway:test",
                "kubernetes.gateway.java", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "kubernetes.gateway.class-path", PodGatewayDoubleTests.pathingJar(home).toString(),
                "kubernetes.gateway.root", root.toString());
        BackendProvider kubernetes = new BackendProvider() {
            @Override
            public String name() {
                return "kubernetes";
            }

            @Override
            public Availability availability() {
                return Availability.ok();
            }

            @Override
            public BottleBackend create(BackendContext context) {
                return new KubernetesBottleBackend(cluster.client(), Options.from(options, Optional.empty()),
                        context.progress(), "kubectl");
            }
        };
        runtime = BottleRuntime.builder().host(new HostEnvironment(home, home, Map.of("PATH", "/usr/bin:/bin")))
                .plugins(Plugins.builder().backend(kubernetes).build()).build();
    }

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
        cluster.close();
    }

    private void write(String path, String text) throws IOException {
        Path file = home.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void aBottleIsLaunchedStoppedResumedAndRemovedWithItsGatewayInItsSidecar() throws Exception {
        BottlePlan plan = new Planner(runtime.plugins(), runtime.host())
                .plan(ManifestLoader.forHome(home).loadStrict(), "worker", "kubernetes", Optional.empty());
        String slug = plan.slug();
        RunningBottle launched = runtime.launch(plan, LaunchOptions.DEFAULTS);
        assertThat(launched.egress().orElseThrow().routes()).as("the gateway program answers the runtime")
                .extracting(EgressRoute::host).containsExactly("registry.npmjs.org");
        assertThat(gatewayPrograms()).as("one program, in the gateway container").isEqualTo(1);
        assertThat(cluster.client().pods().inNamespace(NS).withName(Names.workload(slug)).get().getMetadata()
                .getAnnotations()).as("the runtime's labels no label value can hold, as annotations")
                .containsEntry("dev.botbottle.home", home.toAbsolutePath().toString());
        // provisioning ran as the agent (the Pod has no root) and pointed the bottle at its own CA bundle
        List<KubernetesMockServerDouble.Exec> agent = cluster.execs().stream()
                .filter(e -> e.container().equals(Names.AGENT_CONTAINER)).toList();
        assertThat(agent).anyMatch(e -> new String(e.stdin(), StandardCharsets.UTF_8)
                .contains(".bot-bottle/ca-certificates.crt"));
        ExecRequest probe = ExecRequest.of("true");
        assertThat(launched.exec(probe).exitCode()).isZero();

        runtime.stop(slug);
        assertThat(cluster.client().pods().inNamespace(NS).withName(Names.workload(slug)).get()).isNull();
        assertThat(runtime.list()).extracting(BottleStatus::slug).contains(slug);

        RunningBottle resumed = runtime.resume(slug);
        assertThat(cluster.client().pods().inNamespace(NS).withName(Names.workload(slug)).get()).isNotNull();
        assertThat(resumed.egress().orElseThrow().routes()).extracting(EgressRoute::host)
                .containsExactly("registry.npmjs.org");
        assertThat(gatewayPrograms()).as("a second program for the resumed Pod").isEqualTo(2);

        runtime.teardown(slug);
        assertThat(cluster.client().pods().inNamespace(NS).list().getItems()).isEmpty();
        assertThat(cluster.client().configMaps().inNamespace(NS).list().getItems()).isEmpty();
        assertThat(runtime.list()).extracting(BottleStatus::slug).doesNotContain(slug);
        assertThat(cluster.awaitExecProcessesEnded(60)).as("no gateway program outlives its bottle").isTrue();
    }

    @Test
    void theRuntimesWarmPoolKeepsPodsWithTheirGatewaysReadyAndALaunchClaimsOne() throws Exception {
        var request = dev.botbottle.core.runtime.LaunchRequest.builder(ManifestLoader.forHome(home).loadStrict(),
                "worker").backend("kubernetes").build();
        try (var pool = runtime.pool(request, 1)) {
            assertThat(pool.awaitFull(java.time.Duration.ofSeconds(120))).as(pool.lastFailure().orElse("")).isTrue();
            String pooled = pool.slugs().get(0);
            assertThat(cluster.client().pods().inNamespace(NS).withName(Names.workload(pooled)).get())
                    .as("a warm Pod").isNotNull();

            RunningBottle claimed = runtime.launch(request);
            assertThat(claimed.slug()).as("the launch claims the pooled bottle").isEqualTo(pooled);
            assertThat(claimed.egress().orElseThrow().routes()).as("its routes bound at the claim")
                    .extracting(EgressRoute::host).containsExactly("registry.npmjs.org");
            runtime.teardown(claimed.slug());
        }
        assertThat(cluster.awaitExecProcessesEnded(60)).isTrue();
    }

    private long gatewayPrograms() {
        return cluster.execs().stream().filter(e -> e.container().equals(Names.GATEWAY_CONTAINER)
                && e.command().contains(GatewayMain.class.getName())).count();
    }
}
