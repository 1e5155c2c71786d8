package dev.botbottle.backend.kubernetes.internal;

import dev.botbottle.backend.kubernetes.GatewaySidecar;
import dev.botbottle.egress.testing.BottleCurl;
import dev.botbottle.egress.testing.LoopbackUpstream;
import dev.botbottle.egress.testing.TestPki;
import dev.botbottle.gateway.GatewayMain;
import dev.botbottle.gateway.ProcessGatewayLauncher;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GatewayRunner;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.RouteAuth;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
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
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The runtime's gateway program in a bottle's gateway sidecar (ADR 18), in the order the runtime goes: prepare, the
 * gateway through the backend's runner (which makes the Pod and waits for it), create, start; then the agent's
 * traffic on the Pod's loopback, the control channel over the exec's streams, and the end.
 *
 * <p>The cluster is {@link KubernetesMockServerDouble}, a DOUBLE: fabric8's mock API server, playing the kubelet by
 * marking Pods running and by running every exec of the {@code gateway} container as a real process of this host.
 * So the program is real (the runtime's own gateway main, a real egress gateway, real TLS to a real upstream, curl as
 * the agent), the exec WebSocket and the fabric8 client are real, and "the Pod's loopback" is this host's. What a real
 * cluster adds (image pulls, the container's file system, NetworkPolicy) is not exercised here.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PodGatewayDoubleTests {

    private static final String NS = "bottles";
    private static final String TOKEN = "k8s-gw-" + UUID.randomUUID().toString().replace("-", "");
    private static final String HOST = "localhost";

    private KubernetesMockServerDouble cluster;
    private TestPki pki;
    private LoopbackUpstream upstream;
    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        cluster = new KubernetesMockServerDouble();
        cluster.runExecsOnThisHost(Names.GATEWAY_CONTAINER);
        cluster.actAsKubelet(NS);
        pki = TestPki.create("k8s-gateway-upstream-ca");
        upstream = LoopbackUpstream.start(pki, List.of(HOST), 4);
    }

    @AfterEach
    void stop() {
        if (upstream != null) {
            upstream.close();
        }
        cluster.close();
    }

    private KubernetesBottleBackend backend(Path root) throws IOException {
        Map<String, String> options = Map.of("kubernetes.namespace", NS, "kubernetes.workload", "pod",
                "kubernetes.start-timeout", "60", "kubernetes.gateway.image", "bot-bottle/gateway:test",
                // the double's gateway container is this host: its java, this JVM's class path, a root of its own
                "kubernetes.gateway.java", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "kubernetes.gateway.class-path", pathingJar(dir).toString(),
                "kubernetes.gateway.root", root.toString());
        return new KubernetesBottleBackend(cluster.client(), Options.from(options, Optional.empty()),
                ProgressListener.NONE, "kubectl");
    }

    @Test
    void theAgentReachesTheGatewayProgramOnThePodsLoopbackAndTheRuntimeControlsItOverTheExec() throws Exception {
        Path root = Files.createDirectories(dir.resolve("gateway-root"));
        KubernetesBottleBackend backend = backend(root);
        BottleSpec spec = BottleSpec.builder("sidecar", "claude", ImageSpec.of("bot-bottle/base:bookworm")).build();
        HostReach reach = backend.prepare(spec);
        assertThat(cluster.client().pods().inNamespace(NS).withName(Names.workload("sidecar")).get())
                .as("prepare makes no Pod").isNull();

        GatewayRunner runner = backend.gatewayRunner(spec, reach).orElseThrow();
        assertThat(runner.programRoot()).contains(root);
        Path upstreamCa = pki.writeCa(dir);
        Path state = dir.resolve("state/sidecar");
        List<GatewayService> services = launch(runner, upstreamCa, state, Map.of());
        try {
            Pod pod = cluster.client().pods().inNamespace(NS).withName(Names.workload("sidecar")).get();
            assertThat(pod).as("the runner made the Pod before the program ran in it").isNotNull();
            Container gateway = pod.getSpec().getContainers().stream()
                    .filter(c -> c.getName().equals(Names.GATEWAY_CONTAINER)).findFirst().orElseThrow();
            assertThat(gateway.getCommand()).isEqualTo(Manifests.KEEP_ALIVE);
            assertThat(gateway.getVolumeMounts()).extracting(m -> m.getMountPath()).containsExactly(root.toString());
            assertThat(pod.getSpec().getVolumes()).anyMatch(v -> v.getEmptyDir() != null
                    && "Memory".equals(v.getEmptyDir().getMedium()));
            assertThat(cluster.client().secrets().inNamespace(NS).list().getItems()).as("no configuration Secret")
                    .isEmpty();
            assertThat(Files.exists(GatewayRunner.placed(root, upstreamCa))).as("the CA file placed under the root")
                    .isTrue();

            backend.create(spec, reach, List.of(services.get(0).port()));
            var bottle = backend.start("sidecar");
            assertThat(bottle.slug()).isEqualTo("sidecar");

            // the agent's side: its proxy on the Pod's loopback, the gateway's CA trusted
            BottleCurl allowed = curl(services.get(0), "https://" + HOST + ":" + upstream.port() + "/echo");
            assertThat(allowed.out()).as(allowed.err()).startsWith("200");
            assertThat(upstream.take().headers().get("authorization")).isEqualTo("Bearer " + TOKEN);
            BottleCurl refused = curl(services.get(0), "https://other.example.test:" + upstream.port() + "/echo");
            assertThat(refused.out() + refused.err()).contains("403");

            // the runtime's side: the control channel over the exec's standard streams
            EgressControl egress = (EgressControl) services.get(0);
            assertThat(egress.readAudit()).extracting(EgressAuditEntry::host, EgressAuditEntry::verdict)
                    .contains(org.assertj.core.groups.Tuple.tuple(HOST, EgressAuditEntry.Verdict.ALLOW),
                            org.assertj.core.groups.Tuple.tuple("other.example.test", EgressAuditEntry.Verdict.DENY));
            egress.replaceRoutes(List.of(EgressRoute.allow("elsewhere.example.test")));
            assertThat(egress.routes()).extracting(EgressRoute::host).containsExactly("elsewhere.example.test");
            BottleCurl replaced = curl(services.get(0), "https://" + HOST + ":" + upstream.port() + "/echo");
            assertThat(replaced.out() + replaced.err()).contains("403");

            // nothing secret on any exec's command line (the API server's audit log records them)
            List<KubernetesMockServerDouble.Exec> execs = cluster.execs().stream()
                    .filter(e -> e.container().equals(Names.GATEWAY_CONTAINER)).toList();
            assertThat(execs).anyMatch(e -> e.command().contains(GatewayMain.class.getName())
                    && e.command().contains(GatewayMain.CONTROL_OVER_STDIO));
            assertThat(execs).allSatisfy(e -> assertThat(String.join(" ", e.command())).doesNotContain(TOKEN));
            assertThat(Files.readString(state.resolve("gateway/gateway.log"))).as("its log on this host")
                    .contains("ready").doesNotContain(TOKEN);
        } finally {
            services.forEach(GatewayService::close);
        }
        assertThat(cluster.awaitExecProcessesEnded(60)).as("the program ended with its exec").isTrue();
        int port = services.get(0).port();
        assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", port).close()).as("its proxy port is closed")
                .isInstanceOf(IOException.class);
        backend.teardown("sidecar");
    }

    @Test
    void aStoppedBottlesGatewayRunsAgainInItsRecreatedPodOnItsPort() throws Exception {
        Path root = Files.createDirectories(dir.resolve("gateway-root"));
        KubernetesBottleBackend backend = backend(root);
        BottleSpec spec = BottleSpec.builder("again", "claude", ImageSpec.of("bot-bottle/base:bookworm")).build();
        HostReach reach = backend.prepare(spec);
        Path upstreamCa = pki.writeCa(dir);
        Path state = dir.resolve("state/again");
        List<GatewayService> first = launch(backend.gatewayRunner(spec, reach).orElseThrow(), upstreamCa, state,
                Map.of());
        int port = first.get(0).port();
        backend.create(spec, reach, List.of(port));
        backend.start("again");
        String uid = cluster.client().pods().inNamespace(NS).withName(Names.workload("again")).get().getMetadata()
                .getUid();
        // the runtime's stop: the Pod goes (its home stays), then the gateway's stand-ins are closed
        backend.stop("again");
        first.forEach(GatewayService::close);
        // the double's container processes do not die with the Pod object: the program ends with its exec
        assertThat(cluster.awaitExecProcessesEnded(60)).isTrue();
        assertThat(cluster.client().pods().inNamespace(NS).withName(Names.workload("again")).get()).isNull();

        // the runtime's resume: the gateway first (the runner brings the Pod back from its saved manifest), then resume
        List<GatewayService> again = launch(backend.gatewayRunner(spec, reach).orElseThrow(), upstreamCa, state,
                Map.of("egress", port));
        try {
            Pod pod = cluster.client().pods().inNamespace(NS).withName(Names.workload("again")).get();
            assertThat(pod.getMetadata().getUid()).as("a new Pod").isNotEqualTo(uid);
            assertThat(again.get(0).port()).as("the port asked for again").isEqualTo(port);
            backend.resume("again", List.of(port));
            BottleCurl allowed = curl(again.get(0), "https://" + HOST + ":" + upstream.port() + "/echo");
            assertThat(allowed.out()).as(allowed.err()).startsWith("200");
            assertThat(upstream.take().headers().get("authorization")).isEqualTo("Bearer " + TOKEN);
        } finally {
            again.forEach(GatewayService::close);
        }
        backend.teardown("again");
    }

    private List<GatewayService> launch(GatewayRunner runner, Path upstreamCa, Path state, Map<String, Integer> ports) {
        String slug = state.getFileName().toString();
        GatewayRequest request = GatewayRequest.builder(slug).bindAddress("127.0.0.1").port(0)
                .stateDir(state).routes(List.of(route())).extraCaFiles(List.of(upstreamCa))
                .credentials(CredentialSource.fromEnvironment(Map.of("K8S_TOKEN", TOKEN)))
                .progress(ProgressListener.NONE).build();
        return new ProcessGatewayLauncher(List.of(Path.of("/not/used/in/a/pod")))
                .withUpstreamAddresses(Map.of("*", "127.0.0.1:" + upstream.port()))
                .launch(request, List.of("egress"), ports, runner);
    }

    @Test
    void aSidecarWithConfigurationFilesRunsAGatewayOfItsOwnAndGetsNoRunner() throws IOException {
        KubernetesBottleBackend backend = backend(dir);
        backend.useGateway("own", new GatewaySidecar("my/gateway:1", List.of(), Map.of("start.json",
                "{}".getBytes(StandardCharsets.UTF_8)), List.of(443), GatewaySidecar.PUBLIC_INTERNET));
        BottleSpec spec = BottleSpec.builder("own", "claude", ImageSpec.of("bot-bottle/base:bookworm")).build();
        // control: the options' sidecar (no files) is driven by the runtime
        assertThat(backend.gatewayRunner(BottleSpec.builder("other", "claude", ImageSpec.of("x")).build(),
                backend.prepare(BottleSpec.builder("other", "claude", ImageSpec.of("x")).build()))).isPresent();
        assertThat(backend.gatewayRunner(spec, backend.prepare(spec))).isEmpty();
    }

    /**
     * @return a jar naming this JVM's class path in its manifest: the command line carries one short path, as an
     *         image's {@code /opt/bot-bottle/lib/*} is (a long one is refused by the API server: 414)
     */
    static Path pathingJar(Path dir) throws IOException {
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.CLASS_PATH, String.join(" ",
                java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                        .map(e -> Path.of(e).toUri().toString()).toList()));
        Path jar = dir.resolve("gateway-class-path.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
        return jar;
    }

    private EgressRoute route() {
        return EgressRoute.builder(HOST).ports(List.of(upstream.port())).auth(new RouteAuth("Bearer", "K8S_TOKEN"))
                .allowPrivate(true).build();
    }

    private BottleCurl curl(GatewayService egress, String url) throws IOException, InterruptedException {
        return BottleCurl.through(egress, dir, url);
    }
}
