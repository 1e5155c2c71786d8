package dev.botbottle.backend.kubernetes.internal;

import dev.botbottle.backend.kubernetes.GatewaySidecar;
import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProgressListener;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code kubernetes.warm-pool}: bottles claimed from agent-sandbox's SandboxWarmPool, against
 * {@link KubernetesMockServerDouble}, a DOUBLE of a cluster whose agent-sandbox controllers (warm pool, claim,
 * sandbox) the tests play. The controllers' behaviour is read from agent-sandbox's sources (August 2026), never run.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WarmPoolDoubleTests {

    private static final String NS = "bottles";

    private KubernetesMockServerDouble cluster;

    @BeforeEach
    void startCluster() {
        cluster = new KubernetesMockServerDouble();
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    private KubernetesBottleBackend backend(String warmPool) {
        Map<String, String> options = new LinkedHashMap<>(Map.of("kubernetes.namespace", NS,
                "kubernetes.start-timeout", "20", "kubernetes.gateway.image", "bot-bottle/gateway:dev"));
        if (warmPool != null) {
            options.put("kubernetes.warm-pool", warmPool);
        }
        return new KubernetesBottleBackend(cluster.client(), Options.from(options, Optional.empty()),
                ProgressListener.NONE, "kubectl");
    }

    private static BottleSpec spec(String slug, String image) {
        return BottleSpec.builder(slug, "claude", ImageSpec.of(image)).env(Map.of("BOTTLE_KIND", "test"))
                .labels(Map.of("team", "infra")).build();
    }

    private GenericKubernetesResource only(String plural) {
        List<GenericKubernetesResource> items = new Cluster(cluster.client(), NS).extensions(plural).inNamespace(NS)
                .list().getItems();
        assertThat(items).as(plural).hasSize(1);
        return items.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource resource) {
        return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
    }

    @Test
    void withoutTheExtensionsTheOptionIsRefusedNamingWhatIsMissingAndNothingIsMade() {
        cluster.installSandboxCrd();
        // control: the same bottle without the option is a Sandbox of its own
        KubernetesBottleBackend plain = backend(null);
        BottleSpec control = spec("own", "bot-bottle/base:bookworm");
        plain.create(control, plain.prepare(control), List.of(8080));
        assertThat(cluster.client().genericKubernetesResources(SandboxApi.V1BETA1.context()).inNamespace(NS)
                .withName(Names.workload("own")).get()).isNotNull();

        KubernetesBottleBackend pooled = backend("2");
        BottleSpec spec = spec("wp", "bot-bottle/base:bookworm");
        assertThatThrownBy(() -> pooled.create(spec, pooled.prepare(spec), List.of(8080)))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("sandboxtemplates.extensions.agents.x-k8s.io")
                .hasMessageContaining("leave kubernetes.warm-pool out");
        assertThat(pooled.list()).containsExactly("own");
        assertThatThrownBy(() -> Options.from(Map.of("kubernetes.warm-pool", "many"), Optional.empty()))
                .hasMessageContaining("kubernetes.warm-pool must be a number");
        assertThatThrownBy(() -> Options.from(Map.of("kubernetes.warm-pool", "2", "kubernetes.workload", "pod"),
                Optional.empty())).hasMessageContaining("kubernetes.workload=pod");
    }

    @Test
    void aBottleClaimsAReadySandboxOfItsShapesPoolStopsAndResumesItAndTeardownLeavesThePool() {
        cluster.installSandboxCrd();
        cluster.installWarmPoolCrds();
        KubernetesBottleBackend backend = backend("2");
        BottleSpec first = spec("wp1", "bot-bottle/base:bookworm");
        backend.create(first, backend.prepare(first), List.of(8080));

        GenericKubernetesResource template = only("sandboxtemplates");
        String pool = template.getMetadata().getName();
        assertThat(pool).startsWith("bb-pool-");
        Map<String, Object> templateSpec = spec(template);
        assertThat(templateSpec).containsEntry("networkPolicyManagement", "Managed");
        assertThat(cluster.client().getKubernetesSerialization().asJson(templateSpec))
                .as("nothing of one bottle in the shared template").doesNotContain("wp1").doesNotContain("BOTTLE_KIND")
                .doesNotContain("infra").contains("kube-dns").contains("\"ingress\":[]");
        GenericKubernetesResource warmPool = only("sandboxwarmpools");
        assertThat(warmPool.getMetadata().getName()).isEqualTo(pool);
        assertThat(spec(warmPool)).containsEntry("replicas", 2)
                .containsEntry("sandboxTemplateRef", Map.of("name", pool));
        GenericKubernetesResource claim = only("sandboxclaims");
        assertThat(claim.getMetadata().getName()).isEqualTo(Names.workload("wp1"));
        assertThat(spec(claim)).containsEntry("warmPoolRef", Map.of("name", pool));
        assertThat(cluster.client().network().v1().networkPolicies().inNamespace(NS)
                .withName(Names.networkPolicy("wp1")).get()).as("the bottle's own policy too").isNotNull();

        List<String> warm = cluster.actAsWarmPoolController(NS);
        assertThat(warm).hasSize(2);
        Pod idle = cluster.client().pods().inNamespace(NS).withName(warm.get(0)).get();
        assertThat(idle.getMetadata().getLabels()).as("a warm Pod carries no bottle's labels")
                .doesNotContainKey(Names.SLUG_LABEL).containsEntry(Manifests.WARM_POOL_LABEL, pool);
        assertThat(idle.getSpec().getVolumes()).extracting(Volume::getName).contains("home", "gateway-root");
        assertThat(idle.getSpec().getContainers()).extracting(Container::getName).containsExactly("agent", "gateway");
        String bound = cluster.actAsClaimController(NS, Names.workload("wp1"));

        assertThat(backend.start("wp1").agentUser()).isEqualTo("agent");
        Pod pod = cluster.client().pods().inNamespace(NS).withName(bound).get();
        assertThat(pod.getMetadata().getLabels()).containsEntry(Names.SLUG_LABEL, "wp1")
                .containsEntry(Names.MANAGED_LABEL, "true");
        assertThat(backend.list()).containsExactly("wp1");

        // a second bottle of the same shape claims from the same pool; another image gets a pool of its own
        BottleSpec second = spec("wp2", "bot-bottle/base:bookworm");
        backend.create(second, backend.prepare(second), List.of(8081));
        assertThat(new Cluster(cluster.client(), NS).extensions("sandboxtemplates").inNamespace(NS).list().getItems())
                .hasSize(1);
        BottleSpec other = spec("wp3", "bot-bottle/other:1");
        backend.create(other, backend.prepare(other), List.of(8082));
        assertThat(new Cluster(cluster.client(), NS).extensions("sandboxwarmpools").inNamespace(NS).list().getItems())
                .hasSize(2);

        var sandboxes = cluster.client().genericKubernetesResources(SandboxApi.V1BETA1.context()).inNamespace(NS);
        backend.stop("wp1");
        assertThat(spec(sandboxes.withName(bound).get())).containsEntry("operatingMode", "Suspended");
        String unclaimed = warm.get(1).equals(bound) ? warm.get(0) : warm.get(1);
        assertThat(spec(sandboxes.withName(unclaimed).get())).as("the pool's other Sandbox is left alone")
                .containsEntry("operatingMode", "Running");
        // the controller's part: the suspended Sandbox's Pod goes; running again, a new one comes with its labels
        cluster.client().pods().inNamespace(NS).withName(bound).delete();
        Thread controller = new Thread(() -> {
            sandboxes.withName(bound).waitUntilCondition(s -> s != null && "Running".equals(spec(s)
                    .get("operatingMode")), 20, java.util.concurrent.TimeUnit.SECONDS);
            cluster.actAsSandboxController(SandboxApi.V1BETA1, NS, bound);
        });
        controller.start();
        assertThat(backend.resume("wp1", List.of(8080)).agentUser()).isEqualTo("agent");

        backend.teardown("wp1");
        assertThat(sandboxes.withName(bound).get()).isNull();
        assertThat(cluster.client().persistentVolumeClaims().inNamespace(NS).withName(Manifests.pooledHome(bound))
                .get()).isNull();
        assertThat(new Cluster(cluster.client(), NS).claim("wp1")).isEmpty();
        assertThat(backend.list()).containsExactlyInAnyOrder("wp2", "wp3");
        assertThat(sandboxes.withName(unclaimed).get()).as("the pool keeps its ready Sandbox").isNotNull();
        assertThat(new Cluster(cluster.client(), NS).extensions("sandboxwarmpools").inNamespace(NS).withName(pool)
                .get()).isNotNull();
    }

    @Test
    void aSidecarWithFilesOfItsOwnCannotBeInASharedTemplate() {
        cluster.installSandboxCrd();
        cluster.installWarmPoolCrds();
        KubernetesBottleBackend backend = backend("1");
        backend.useGateway("files", new GatewaySidecar("bot-bottle/gateway:dev", List.of(),
                Map.of("start.json", new byte[]{'{', '}'}), List.of(443), GatewaySidecar.PUBLIC_INTERNET));
        BottleSpec spec = spec("files", "bot-bottle/base:bookworm");
        assertThatThrownBy(() -> backend.create(spec, backend.prepare(spec), List.of(8080)))
                .isInstanceOf(BackendException.class).hasMessageContaining("configuration files of its own");
        assertThat(backend.list()).isEmpty();
    }
}
