package dev.botbottle.backend.kubernetes.internal;

import dev.botbottle.backend.kubernetes.GatewaySidecar;
import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.EngineState;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProgressListener;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The kubernetes backend against {@link KubernetesMockServerDouble}, a DOUBLE of a cluster (fabric8's mock API
 * server in CRUD mode): the objects it makes, the calls it sends, exec and copy over the exec subresource, stop,
 * resume, teardown and cleanup. KubernetesContractIT runs the backend TCK against a real cluster.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hung exec fails the test instead of the build
class KubernetesBackendDoubleTests {

    private static final String NS = "bottles";
    private static final ImageSpec IMAGE = ImageSpec.of("bot-bottle/base:bookworm");

    private KubernetesMockServerDouble cluster;

    @BeforeEach
    void startCluster() {
        cluster = new KubernetesMockServerDouble();
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    private KubernetesBottleBackend backend(Map<String, String> extra) {
        Map<String, String> options = new LinkedHashMap<>(Map.of("kubernetes.namespace", NS,
                "kubernetes.start-timeout", "20"));
        options.putAll(extra);
        return new KubernetesBottleBackend(cluster.client(), Options.from(options, Optional.empty()),
                ProgressListener.NONE, "kubectl");
    }

    private static BottleSpec spec(String slug) {
        return BottleSpec.builder(slug, "claude", IMAGE).env(Map.of("BOTTLE_KIND", "test"))
                .labels(Map.of("team", "infra")).build();
    }

    private static GatewaySidecar sidecar() {
        return new GatewaySidecar("bot-bottle/gateway:dev", List.of("java", "-jar", "/gateway.jar"),
                Map.of("start.json", "{\"token\":\"s3cret\"}".getBytes(StandardCharsets.UTF_8)), List.of(443),
                GatewaySidecar.PUBLIC_INTERNET);
    }

    /** Launches a bottle; with a sidecar its gateway listens on 8080, without one it has no gateway services. */
    private Bottle launch(KubernetesBottleBackend backend, String slug, boolean sidecar) {
        BottleSpec spec = spec(slug);
        HostReach reach = backend.prepare(spec);
        backend.create(spec, reach, sidecar ? List.of(8080) : List.of());
        cluster.runPod(NS, Names.workload(slug));
        return backend.start(slug);
    }

    private Pod pod(String slug) {
        return cluster.client().pods().inNamespace(NS).withName(Names.workload(slug)).get();
    }

    private static Container container(Pod pod, String name) {
        return pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void thePodRunsEveryContainerAsANonRootUserWithoutPrivilegeOrCapabilitiesOrAToken() {
        KubernetesBottleBackend backend = backend(Map.of());
        backend.useGateway("locked", sidecar());
        launch(backend, "locked", true);

        Pod pod = pod("locked");
        assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getSpec().getEnableServiceLinks()).isFalse();
        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(1000L);
        assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        List<Container> all = new java.util.ArrayList<>(pod.getSpec().getContainers());
        all.addAll(pod.getSpec().getInitContainers());
        assertThat(all).extracting(Container::getName).containsExactlyInAnyOrder("agent", "gateway", "seed-home");
        assertThat(pod.getSpec().getInitContainers()).as("no root container without kubernetes.agent-firewall")
                .extracting(Container::getName).containsExactly("seed-home");
        for (Container c : all) {
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(c.getName()).isFalse();
            assertThat(c.getSecurityContext().getPrivileged()).as(c.getName()).isFalse();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).as(c.getName()).containsExactly("ALL");
            assertThat(c.getSecurityContext().getCapabilities().getAdd()).as(c.getName()).isNullOrEmpty();
            assertThat(c.getSecurityContext().getRunAsNonRoot()).as(c.getName()).isTrue();
            assertThat(c.getSecurityContext().getRunAsUser()).as(c.getName()).isNotZero();
        }
        assertThat(container(pod, "agent").getSecurityContext().getRunAsUser()).isEqualTo(1000L);
        assertThat(container(pod, "gateway").getSecurityContext().getRunAsUser()).isEqualTo(1001L);
        assertThat(pod.getMetadata().getLabels()).containsEntry("dev.botbottle.slug", "locked")
                .containsEntry("dev.botbottle.managed", "true").containsEntry("team", "infra");
        assertThat(container(pod, "agent").getEnv()).anyMatch(e -> e.getName().equals("BOTTLE_KIND")
                && e.getValue().equals("test"));
    }

    @Test
    void theAgentFirewallOptionAddsARootInitContainerWithOnlyTheNetworkCapabilitiesBeforeTheSeed() {
        launch(backend(Map.of("kubernetes.agent-firewall", "bot-bottle/iptables:dev")), "walled", false);
        Pod pod = pod("walled");
        assertThat(pod.getSpec().getInitContainers()).extracting(Container::getName)
                .containsExactly("agent-firewall", "seed-home");
        Container firewall = pod.getSpec().getInitContainers().get(0);
        assertThat(firewall.getCommand()).containsExactly("sh", "-c", Manifests.AGENT_FIREWALL);
        assertThat(firewall.getSecurityContext().getRunAsUser()).isZero();
        assertThat(firewall.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(firewall.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(firewall.getSecurityContext().getCapabilities().getAdd()).containsExactly("NET_ADMIN", "NET_RAW");
        assertThat(container(pod, "agent").getSecurityContext().getRunAsUser()).isEqualTo(1000L);
        assertThat(backend(Map.of("kubernetes.agent-firewall", "x")).describe(spec("walled")).warnings())
                .anyMatch(w -> w.contains("Pod Security")).noneMatch(w -> w.contains("network policy per Pod"));
    }

    @Test
    void theGatewaysConfigurationIsASecretMountedIntoTheGatewayContainerOnly() {
        KubernetesBottleBackend backend = backend(Map.of());
        backend.useGateway("secret", sidecar());
        launch(backend, "secret", true);

        Pod pod = pod("secret");
        var secret = cluster.client().secrets().inNamespace(NS).withName(Names.gatewaySecret("secret")).get();
        assertThat(new String(java.util.Base64.getDecoder().decode(secret.getData().get("start.json")),
                StandardCharsets.UTF_8)).isEqualTo("{\"token\":\"s3cret\"}");
        assertThat(container(pod, "gateway").getVolumeMounts()).anyMatch(m -> m.getMountPath()
                .equals(GatewaySidecar.CONFIG_PATH) && m.getReadOnly());
        assertThat(container(pod, "agent").getVolumeMounts()).noneMatch(m -> m.getName().equals("gateway-config"));
        assertThat(container(pod, "agent").getEnv()).noneMatch(e -> String.valueOf(e.getValue()).contains("s3cret"));
        assertThat(container(pod, "gateway").getEnv()).noneMatch(e -> String.valueOf(e.getValue()).contains("s3cret"));
        assertThat(container(pod, "gateway").getCommand()).containsExactly("java", "-jar", "/gateway.jar");
        assertThat(container(pod, "gateway").getPorts()).extracting(p -> p.getContainerPort()).containsExactly(8080);
    }

    @Test
    void theNetworkPolicyDeniesIngressAndAllowsOnlyTheGatewaysEgress() {
        KubernetesBottleBackend backend = backend(Map.of());
        backend.useGateway("policed", sidecar());
        launch(backend, "policed", true);

        NetworkPolicy policy = cluster.client().network().v1().networkPolicies().inNamespace(NS)
                .withName(Names.networkPolicy("policed")).get();
        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).containsEntry("dev.botbottle.slug", "policed");
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(policy.getSpec().getIngress()).isEmpty();
        assertThat(policy.getSpec().getEgress()).hasSize(2);
        var dns = policy.getSpec().getEgress().get(0);
        assertThat(dns.getTo().get(0).getPodSelector().getMatchLabels()).containsEntry("k8s-app", "kube-dns");
        assertThat(dns.getPorts()).extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
                .containsExactly("UDP/53", "TCP/53");
        var upstream = policy.getSpec().getEgress().get(1);
        assertThat(upstream.getPorts()).extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
                .containsExactly("TCP/443");
        assertThat(upstream.getTo().get(0).getIpBlock().getCidr()).isEqualTo("0.0.0.0/0");
        assertThat(upstream.getTo().get(0).getIpBlock().getExcept()).contains("10.0.0.0/8", "169.254.0.0/16");
    }

    @Test
    void withoutAGatewayTheNetworkPolicyAllowsNoEgressAtAll() {
        launch(backend(Map.of()), "alone", false);
        NetworkPolicy policy = cluster.client().network().v1().networkPolicies().inNamespace(NS)
                .withName(Names.networkPolicy("alone")).get();
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(policy.getSpec().getEgress()).isEmpty();
        assertThat(pod("alone").getSpec().getContainers()).extracting(Container::getName).containsExactly("agent");
    }

    @Test
    void aRuntimeClassTheClusterHasIsUsedAndAMissingOneIsRefusedNamingTheOption() {
        cluster.addRuntimeClass("gvisor");
        launch(backend(Map.of("kubernetes.runtime-class", "gvisor")), "sandboxed", false);
        assertThat(pod("sandboxed").getSpec().getRuntimeClassName()).isEqualTo("gvisor");

        KubernetesBottleBackend kata = backend(Map.of("kubernetes.runtime-class", "kata"));
        assertThatThrownBy(() -> kata.prepare(spec("kata")))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("kubernetes.runtime-class=kata")
                .hasMessageContaining("it has: gvisor")
                .hasMessageContaining("install it");
        assertThat(cluster.client().pods().inNamespace(NS).withName(Names.workload("kata")).get()).isNull();
    }

    @Test
    void gatewayServicesWithoutASidecarAreRefusedBeforeAnythingIsCreated() {
        KubernetesBottleBackend backend = backend(Map.of());
        BottleSpec spec = spec("hostgw");
        HostReach reach = backend.prepare(spec);

        assertThatThrownBy(() -> backend.create(spec, reach, List.of(8080))).isInstanceOf(BackendException.class)
                .hasMessageContaining("no gateway sidecar").hasMessageContaining("KubernetesGateways.useGateway");
        assertThat(cluster.client().persistentVolumeClaims().inNamespace(NS).list().getItems()).isEmpty();
        assertThat(cluster.client().pods().inNamespace(NS).list().getItems()).isEmpty();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "CRD serving {0}: a {1} Sandbox")
    @org.junit.jupiter.params.provider.CsvSource({
            "'v1beta1,v1alpha1', V1BETA1, operatingMode, Running, Suspended",
            "v1alpha1, V1ALPHA1, replicas, 1, 0"})
    void whereAgentSandboxIsInstalledTheBottleIsASandboxThatStopsKeepingItsVolumes(
            String served, SandboxApi api, String field, String running, String stopped) {
        cluster.installSandboxCrd(served.split(","));
        KubernetesBottleBackend backend = backend(Map.of());
        BottleSpec spec = spec("sbx");
        backend.create(spec, backend.prepare(spec), List.of());

        var sandboxes = cluster.client().genericKubernetesResources(api.context()).inNamespace(NS);
        GenericKubernetesResource sandbox = sandboxes.withName(Names.workload("sbx")).get();
        assertThat(sandbox).as("written in the newest version the CRD serves").isNotNull();
        assertThat(sandbox.getApiVersion()).isEqualTo("agents.x-k8s.io/" + api.version());
        assertThat(specField(sandbox, field)).isEqualTo(running);
        assertThat(pod("sbx")).as("the controller makes the Pod, not the backend").isNull();
        cluster.actAsSandboxController(api, NS, Names.workload("sbx"));
        Pod pod = pod("sbx");
        assertThat(container(pod, "agent").getSecurityContext().getRunAsUser()).isEqualTo(1000L);
        assertThat(pod.getMetadata().getLabels()).containsEntry("dev.botbottle.workload", "sandbox");
        assertThat(backend.list()).containsExactly("sbx");

        Bottle bottle = backend.start("sbx");
        assertThat(bottle.agentUser()).isEqualTo("agent");
        backend.stop("sbx");
        assertThat(specField(sandboxes.withName(Names.workload("sbx")).get(), field)).isEqualTo(stopped);
        assertThat(cluster.client().persistentVolumeClaims().inNamespace(NS).withName(Names.stateClaim("sbx")).get())
                .as("the home's claim stays").isNotNull();
        // the controller's part: the Pod of a suspended Sandbox goes; when it is to run again, a new one comes
        cluster.client().pods().inNamespace(NS).withName(Names.workload("sbx")).delete();
        Thread controller = new Thread(() -> {
            sandboxes.withName(Names.workload("sbx")).waitUntilCondition(
                    s -> s != null && running.equals(specField(s, field)), 20, java.util.concurrent.TimeUnit.SECONDS);
            cluster.actAsSandboxController(api, NS, Names.workload("sbx"));
        });
        controller.start();
        assertThat(backend.resume("sbx", List.of(8080)).agentUser()).isEqualTo("agent");
        assertThat(specField(sandboxes.withName(Names.workload("sbx")).get(), field)).isEqualTo(running);

        backend.teardown("sbx");
        assertThat(sandboxes.list().getItems()).isEmpty();
        assertThat(backend.list()).isEmpty();
    }

    @Test
    void aSandboxCrdServingNoVersionTheBackendWritesIsRefusedWhenSandboxesAreAskedForAndPassedOverOtherwise() {
        cluster.installSandboxCrd("v2");
        BottleSpec spec = spec("nov");
        KubernetesBottleBackend insisting = backend(Map.of("kubernetes.workload", "sandbox"));
        assertThatThrownBy(() -> insisting.create(spec, insisting.prepare(spec), List.of()))
                .isInstanceOf(BackendException.class).hasMessageContaining("serves [v2]")
                .hasMessageContaining("kubernetes.workload=pod");
        assertThat(cluster.client().pods().inNamespace(NS).list().getItems()).isEmpty();

        KubernetesBottleBackend auto = backend(Map.of());
        auto.create(spec, auto.prepare(spec), List.of());
        assertThat(pod("nov")).as("auto takes the Pod path").isNotNull();
        assertThat(pod("nov").getMetadata().getLabels()).containsEntry("dev.botbottle.workload", "pod");
    }

    private static String specField(GenericKubernetesResource sandbox, String field) {
        return String.valueOf(((Map<?, ?>) sandbox.getAdditionalProperties().get("spec")).get(field));
    }

    @Test
    void execSendsEnvironmentDirectoryAndInputOnStdinAndNeverOnTheCommandLine() {
        Bottle bottle = launch(backend(Map.of()), "exec", false);
        cluster.programs(e -> e.argv().get(0).equals("printenv") ? new KubernetesMockServerDouble.Result(3,
                e.env().get("TOKEN").getBytes(StandardCharsets.UTF_8), "warn".getBytes(StandardCharsets.UTF_8))
                : KubernetesMockServerDouble.Result.ok(""));
        String awkward = "s3cret with spaces, 'quotes', $dollar\nline two";

        ExecResult r = bottle.exec(ExecRequest.of("printenv", "TOKEN").withEnv(Map.of("TOKEN", awkward))
                .inDirectory("/tmp").withStdin("input".getBytes(StandardCharsets.UTF_8)));

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdoutText()).isEqualTo(awkward);
        assertThat(r.stderrText()).isEqualTo("warn");
        var exec = cluster.execs().get(cluster.execs().size() - 1);
        assertThat(exec.pod()).isEqualTo(Names.workload("exec"));
        assertThat(exec.container()).isEqualTo("agent");
        assertThat(exec.argv()).containsExactly("printenv", "TOKEN");
        assertThat(exec.env()).containsEntry("TOKEN", awkward);
        assertThat(exec.workdir()).contains("/tmp");
        assertThat(new String(exec.stdin(), StandardCharsets.UTF_8)).isEqualTo("input");
        assertThat(exec.command()).noneMatch(a -> a.contains("s3cret"));
    }

    @Test
    void aMissingProgramIsAnErrorButExit127OfARealProgramIsAResult() {
        Bottle bottle = launch(backend(Map.of()), "missing", false);
        cluster.programs(e -> e.argv().get(0).equals("sh") ? new KubernetesMockServerDouble.Result(127, new byte[0],
                new byte[0]) : new KubernetesMockServerDouble.Result(127, new byte[0],
                (PodExec.MISSING + e.argv().get(0) + "\n").getBytes(StandardCharsets.UTF_8)));
        assertThat(bottle.exec(ExecRequest.of("sh", "-c", "exit 127")).exitCode()).isEqualTo(127);
        assertThatThrownBy(() -> bottle.exec(ExecRequest.of("no-such-program")))
                .isInstanceOf(BackendException.class).hasMessageContaining("no-such-program");
    }

    @Test
    void aCommandThatOutlivesItsTimeOutFailsAndCarriesTheKillInTheBottle() {
        Bottle bottle = launch(backend(Map.of()), "slow", false);
        cluster.programs(e -> e.argv().get(0).equals("sleep") ? null : KubernetesMockServerDouble.Result.ok("done"));
        assertThat(bottle.exec(ExecRequest.of("true").withTimeout(java.time.Duration.ofSeconds(30))).stdoutText())
                .isEqualTo("done");

        assertThatThrownBy(() -> bottle.exec(ExecRequest.of("sleep", "3141")
                .withTimeout(java.time.Duration.ofSeconds(1))))
                .isInstanceOf(BackendException.class).hasMessageContaining("sleep").hasMessageContaining("timed out");
        var exec = cluster.execs().get(cluster.execs().size() - 1);
        assertThat(exec.command().subList(0, 5)).as("the wrapper's own kill, two seconds after the client gives up")
                .containsExactly("sh", "-c", PodExec.WRAPPER, "bot-bottle-exec", "3");
    }

    @Test
    void anEnvironmentNameThatIsNoShellNameIsRefusedBeforeAnythingRuns() {
        Bottle bottle = launch(backend(Map.of()), "badenv", false);
        int before = cluster.execs().size();
        assertThatThrownBy(() -> bottle.exec(ExecRequest.of("env").withEnv(Map.of("A=B; rm -rf /", "x"))))
                .isInstanceOf(BackendException.class).hasMessageContaining("not a valid name");
        assertThatThrownBy(() -> bottle.attachCommand(ExecRequest.of("bash").withEnv(Map.of("$(id)", "x"))))
                .isInstanceOf(BackendException.class).hasMessageContaining("not a valid name");
        assertThat(cluster.execs()).hasSize(before);
    }

    @Test
    void nothingRunsAsRootOrAsAnotherUser() {
        Bottle bottle = launch(backend(Map.of()), "nonroot", false);
        cluster.programs(e -> KubernetesMockServerDouble.Result.ok("1000\n"));
        assertThat(bottle.exec(ExecRequest.of("id", "-u").asUser("1000")).stdoutText()).isEqualTo("1000\n");
        assertThatThrownBy(() -> bottle.exec(ExecRequest.of("id", "-u").asUser("root")))
                .isInstanceOf(BackendException.class).hasMessageContaining("cannot run id as 'root'");
        assertThatThrownBy(() -> bottle.copyIn(Path.of("/etc/hostname"), "/etc/x", FileOwner.ROOT, 0600))
                .isInstanceOf(BackendException.class).hasMessageContaining("root-owned");
    }

    @Test
    void copyInSendsATarWithTheModesAskedForToTheTargetsParent(@TempDir Path tmp) throws IOException {
        Bottle bottle = launch(backend(Map.of()), "copyin", false);
        Map<String, Integer> entries = new LinkedHashMap<>();
        cluster.programs(e -> {
            try (var tar = new TarArchiveInputStream(new ByteArrayInputStream(e.stdin()))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    entries.put(entry.getName(), entry.getMode() & 07777);
                }
            } catch (IOException x) {
                throw new IllegalStateException(x);
            }
            return KubernetesMockServerDouble.Result.ok("");
        });
        Path skill = Files.createDirectories(tmp.resolve("skill/sub"));
        Files.writeString(skill.getParent().resolve("SKILL.md"), "# skill\n");
        Files.writeString(skill.resolve("run.sh"), "echo hi\n");

        bottle.copyIn(skill.getParent(), "/home/agent/skills/demo", FileOwner.AGENT, 0640);

        var exec = cluster.execs().get(cluster.execs().size() - 1);
        assertThat(exec.argv()).containsExactly("sh", "-c", "mkdir -p \"$0\" && tar -x -p -f - -C \"$0\"",
                "/home/agent/skills");
        assertThat(entries).containsExactly(Map.entry("demo/", 0750), Map.entry("demo/SKILL.md", 0640),
                Map.entry("demo/sub/", 0750), Map.entry("demo/sub/run.sh", 0640));
    }

    @Test
    void copyOutBringsATreeBackAndRefusesALinkLeavingIt(@TempDir Path tmp) throws IOException {
        Bottle bottle = launch(backend(Map.of()), "copyout", false);
        cluster.programs(e -> e.argv().get(0).equals("tar")
                ? new KubernetesMockServerDouble.Result(0, tar(e.argv().get(7)), new byte[0])
                : KubernetesMockServerDouble.Result.ok(""));

        bottle.copyOut("/home/agent/good", tmp.resolve("good"));
        assertThat(Files.readString(tmp.resolve("good/a.txt"))).isEqualTo("one\n");
        assertThat(Files.readSymbolicLink(tmp.resolve("good/link"))).isEqualTo(Path.of("a.txt"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("good/a.txt"))))
                .isEqualTo("rwxr-xr-x");

        assertThatThrownBy(() -> bottle.copyOut("/home/agent/evil", tmp.resolve("evil")))
                .isInstanceOf(BackendException.class).hasMessageContaining("outside what was copied");
        assertThat(tmp.resolve("evil")).doesNotExist();
    }

    private static byte[] tar(String top) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry dir = new TarArchiveEntry(top + "/");
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
            byte[] one = "one\n".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry file = new TarArchiveEntry(top + "/a.txt");
            file.setSize(one.length);
            file.setMode(0755);
            tar.putArchiveEntry(file);
            tar.write(one);
            tar.closeArchiveEntry();
            TarArchiveEntry link = new TarArchiveEntry(top + "/link", TarConstants.LF_SYMLINK);
            link.setLinkName(top.equals("evil") ? "/etc/passwd" : "a.txt");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    @Test
    void stopDeletesThePodKeepingTheHomeClaimAndResumeRecreatesIt() {
        KubernetesBottleBackend backend = backend(Map.of());
        launch(backend, "cycle", false);
        assertThat(backend.states()).containsEntry("cycle", EngineState.RUNNING);

        backend.stop("cycle");
        assertThat(pod("cycle")).isNull();
        assertThat(cluster.client().persistentVolumeClaims().inNamespace(NS).withName(Names.stateClaim("cycle")).get())
                .isNotNull();
        assertThat(backend.states()).containsEntry("cycle", EngineState.STOPPED);

        // another process (a fresh backend) resumes it from what the cluster holds
        KubernetesBottleBackend other = backend(Map.of());
        Thread kubelet = new Thread(() -> {
            cluster.client().pods().inNamespace(NS).withName(Names.workload("cycle"))
                    .waitUntilCondition(p -> p != null, 20, java.util.concurrent.TimeUnit.SECONDS);
            cluster.runPod(NS, Names.workload("cycle"));
        });
        kubelet.start();
        Bottle resumed = other.resume("cycle", List.of(8080));
        assertThat(resumed.agentHome()).isEqualTo("/home/agent");
        assertThat(container(pod("cycle"), "agent").getVolumeMounts()).anyMatch(m -> m.getMountPath()
                .equals("/home/agent") && m.getName().equals("home"));
    }

    @Test
    void prepareRefusesASlugWhoseObjectsExistAndNamesTheCleanup() {
        KubernetesBottleBackend backend = backend(Map.of());
        launch(backend, "taken", false);
        assertThatThrownBy(() -> backend.prepare(spec("taken"))).isInstanceOf(BackendException.class)
                .hasMessageContaining("Pod/bb-taken").hasMessageContaining("bottle cleanup");
    }

    @Test
    void teardownRemovesEveryLabelledObjectIsIdempotentAndListFindsOrphans() {
        cluster.installSandboxCrd();
        KubernetesBottleBackend backend = backend(Map.of("kubernetes.workload", "pod"));
        backend.useGateway("gone", sidecar());
        launch(backend, "gone", true);
        launch(backend, "kept", false);
        // an orphan: a crash left only the network policy of a bottle
        cluster.client().pods().inNamespace(NS).withName(Names.workload("kept")).delete();

        KubernetesBottleBackend fresh = backend(Map.of());
        assertThat(fresh.list()).containsExactlyInAnyOrder("gone", "kept");
        fresh.teardown("gone");
        fresh.teardown("gone");

        assertThat(fresh.list()).containsExactly("kept");
        assertThat(cluster.client().secrets().inNamespace(NS).withName(Names.gatewaySecret("gone")).get()).isNull();
        assertThat(cluster.client().persistentVolumeClaims().inNamespace(NS).withName(Names.stateClaim("gone")).get())
                .isNull();
        assertThat(cluster.client().configMaps().inNamespace(NS).withName(Names.stateMap("gone")).get()).isNull();
        assertThat(cluster.client().network().v1().networkPolicies().inNamespace(NS)
                .withName(Names.networkPolicy("kept")).get()).as("another bottle's objects stay").isNotNull();
    }

    @Test
    void describeChangesNothingAndSaysWhatIsNotInForce() throws InterruptedException {
        KubernetesBottleBackend backend = backend(Map.of());
        backend.useGateway("plan", sidecar());
        cluster.requests();
        var plan = backend.describe(spec("plan"));
        assertThat(cluster.requests()).allMatch(r -> r.startsWith("GET "));
        assertThat(plan.details()).containsEntry("runtime class", "the cluster's default");
        assertThat(plan.warnings()).anyMatch(w -> w.contains("no sandboxed runtime"))
                .anyMatch(w -> w.contains("network policy per Pod"));
    }
}
