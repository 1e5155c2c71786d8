package dev.botbottle.backend.kubernetes.internal;

import dev.botbottle.backend.kubernetes.GatewaySidecar;
import dev.botbottle.spi.BottleSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpecBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Kubernetes objects of one bottle, made from its spec and the backend options; no API call. Every bottle gets:
 * a PersistentVolumeClaim for the agent's home (kept across stop and resume), the Pod (or a {@code Sandbox} whose
 * pod template is the same), a NetworkPolicy, and, with a gateway sidecar, the Secret holding its configuration.
 */
public final class Manifests {

    /** The agent's uid and gid: the agent is never root. */
    public static final long AGENT_UID = 1000;
    /** The gateway sidecar's uid and gid: not the agent's, so the two can be told apart. */
    public static final long GATEWAY_UID = 1001;

    /** The agent-sandbox API group, version and kind. */
    public static final String SANDBOX_GROUP = "agents.x-k8s.io";
    /** The Sandbox CRD's name, as the API's CRD list names it. */
    public static final String SANDBOX_CRD = "sandboxes." + SANDBOX_GROUP;
    /** agent-sandbox's extensions API group (SandboxTemplate, SandboxWarmPool, SandboxClaim) and the version written. */
    public static final String EXTENSIONS_GROUP = "extensions." + SANDBOX_GROUP;
    static final String EXTENSIONS_VERSION = "v1beta1";
    /** The label of a warm pool's template, pool and pooled Pods: the pool's name. */
    public static final String WARM_POOL_LABEL = "dev.botbottle.warm-pool";

    private static final String HOME_VOLUME = "home";
    private static final String GATEWAY_VOLUME = "gateway-config";
    /** The gateway container's own volume (memory-backed) for a sidecar the runtime drives: its state and keys. */
    private static final String GATEWAY_ROOT_VOLUME = "gateway-root";
    private static final String SEED_MOUNT = "/bot-bottle-home";
    private static final String SEEDED_MARKER = ".bot-bottle-seeded";
    /** Keeps the agent container alive without a program of the image's own; ends at once on SIGTERM. */
    static final List<String> KEEP_ALIVE = List.of("sh", "-c",
            "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done");

    /**
     * The {@code agent-firewall} init container's script: in the Pod's network namespace, the agent's uid may use
     * loopback (its gateway) and nothing else, over IPv4 and IPv6; other uids (the gateway's) are left to the
     * NetworkPolicy. Both tools are required: a missing one fails the Pod's start rather than leaving a family open.
     */
    static final String AGENT_FIREWALL = "set -e; for t in iptables ip6tables; do "
            + "$t -A OUTPUT -o lo -j ACCEPT; "
            + "$t -A OUTPUT -m owner --uid-owner " + AGENT_UID + " -j REJECT; done";

    private final Options options;

    /** @param options the backend options */
    public Manifests(Options options) {
        this.options = options;
    }

    /**
     * @param spec the bottle
     * @param workload {@code pod} or {@code sandbox}
     * @return the labels of every object of the bottle
     */
    public Map<String, String> labels(BottleSpec spec, String workload) {
        return Names.labels(spec.slug(), spec.agent(), spec.labels(), workload);
    }

    private ObjectMeta meta(String name, Map<String, String> labels) {
        return new ObjectMetaBuilder().withName(name).withNamespace(options.namespace()).withLabels(labels).build();
    }

    /**
     * @param spec the bottle
     * @param labels its labels
     * @return the claim for the agent's home
     */
    public PersistentVolumeClaim homeClaim(BottleSpec spec, Map<String, String> labels) {
        return new PersistentVolumeClaimBuilder().withMetadata(meta(Names.stateClaim(spec.slug()), labels))
                .withSpec(homeClaimSpec()).build();
    }

    private PersistentVolumeClaimSpec homeClaimSpec() {
        return new PersistentVolumeClaimSpecBuilder().withAccessModes("ReadWriteOnce")
                .withStorageClassName(options.storageClass().orElse(null))
                .withNewResources().addToRequests("storage", new Quantity(options.homeSize())).endResources().build();
    }

    /**
     * @param spec the bottle
     * @param labels its labels
     * @param sidecar its gateway
     * @return the Secret with the gateway's configuration files
     */
    public Secret gatewaySecret(BottleSpec spec, Map<String, String> labels, GatewaySidecar sidecar) {
        Map<String, String> data = new TreeMap<>();
        sidecar.configFiles().forEach((name, bytes) -> data.put(name, Base64.getEncoder().encodeToString(bytes)));
        return new SecretBuilder().withMetadata(meta(Names.gatewaySecret(spec.slug()), labels)).withType("Opaque")
                .withImmutable(false).withData(data).build();
    }

    /**
     * @param spec the bottle
     * @param labels its labels
     * @param sidecar its gateway, if any
     * @param gatewayPorts the ports the gateway listens on, on the Pod's loopback
     * @return the Pod
     */
    public Pod pod(BottleSpec spec, Map<String, String> labels, Optional<GatewaySidecar> sidecar,
                   List<Integer> gatewayPorts) {
        return new PodBuilder().withMetadata(meta(Names.workload(spec.slug()), labels))
                .editMetadata().withAnnotations(Names.runtimeAnnotations(spec.labels())).endMetadata()
                .withSpec(podSpec(spec, sidecar, gatewayPorts, "Always")).build();
    }

    /**
     * An agent-sandbox {@code Sandbox} running the same pod template as {@link #pod}, asked to run.
     *
     * @param api the Sandbox API version to write
     * @param spec the bottle
     * @param labels its labels (the Sandbox's and its Pod's)
     * @param sidecar its gateway, if any
     * @param gatewayPorts the ports the gateway listens on
     * @param serialization turns the pod spec into the generic resource's map
     * @return the Sandbox
     */
    @SuppressWarnings("unchecked")
    GenericKubernetesResource sandbox(SandboxApi api, BottleSpec spec, Map<String, String> labels,
                                             Optional<GatewaySidecar> sidecar, List<Integer> gatewayPorts,
                                             KubernetesSerialization serialization) {
        GenericKubernetesResource sandbox = new GenericKubernetesResource();
        sandbox.setApiVersion(api.apiVersion());
        sandbox.setKind("Sandbox");
        sandbox.setMetadata(meta(Names.workload(spec.slug()), labels));
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("metadata", Map.of("labels", labels, "annotations", Names.runtimeAnnotations(spec.labels())));
        template.put("spec", serialization.convertValue(podSpec(spec, sidecar, gatewayPorts, "Always"), Map.class));
        Map<String, Object> sandboxSpec = new LinkedHashMap<>();
        sandboxSpec.put("podTemplate", template);
        api.setRunning(sandboxSpec, true);
        sandbox.setAdditionalProperty("spec", sandboxSpec);
        return sandbox;
    }

    PodSpec podSpec(BottleSpec spec, Optional<GatewaySidecar> sidecar, List<Integer> gatewayPorts,
                    String restartPolicy) {
        return podSpec(spec, sidecar, gatewayPorts, restartPolicy, false);
    }

    /**
     * @param pooled for a warm pool's template: nothing of one bottle (no environment values, no gateway ports, no
     *               home claim of its own: agent-sandbox adds the {@code home} volume from the template's volume
     *               claim template)
     */
    private PodSpec podSpec(BottleSpec spec, Optional<GatewaySidecar> sidecar, List<Integer> gatewayPorts,
                            String restartPolicy, boolean pooled) {
        List<Container> containers = new ArrayList<>();
        containers.add(agentContainer(spec, sidecar.isPresent(), gatewayPorts, pooled));
        sidecar.ifPresent(s -> containers.add(gatewayContainer(s, gatewayPorts)));
        List<Volume> volumes = new ArrayList<>();
        if (!pooled) {
            volumes.add(new VolumeBuilder().withName(HOME_VOLUME).withNewPersistentVolumeClaim()
                    .withClaimName(Names.stateClaim(spec.slug())).endPersistentVolumeClaim().build());
        }
        sidecar.filter(s -> !s.runtimeDriven()).ifPresent(s -> volumes.add(new VolumeBuilder()
                .withName(GATEWAY_VOLUME).withNewSecret().withSecretName(Names.gatewaySecret(spec.slug()))
                .withDefaultMode(0440).endSecret().build()));
        // the gateway program's CA key and git keys live here: memory, mounted into the gateway container only
        sidecar.filter(GatewaySidecar::runtimeDriven).ifPresent(s -> volumes.add(new VolumeBuilder()
                .withName(GATEWAY_ROOT_VOLUME).withNewEmptyDir().withMedium("Memory").endEmptyDir().build()));
        return new PodSpecBuilder()
                .withRuntimeClassName(options.runtimeClass().orElse(null))
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withHostNetwork(false).withHostPID(false).withHostIPC(false).withShareProcessNamespace(false)
                .withRestartPolicy(restartPolicy)
                .withTerminationGracePeriodSeconds(5L)
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(AGENT_UID).withRunAsGroup(AGENT_UID)
                .withFsGroup(AGENT_UID).withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .withInitContainers(initContainers(spec))
                .withContainers(containers)
                .withVolumes(volumes)
                .build();
    }

    private Container agentContainer(BottleSpec spec, boolean gateway, List<Integer> gatewayPorts, boolean pooled) {
        List<EnvVar> env = new ArrayList<>();
        if (!pooled) {
            // a pooled Pod's agent gets its bottle's environment as every command does: on the exec (PodExec)
            new TreeMap<>(spec.env()).forEach((k, v) -> env.add(new EnvVar(k, v, null)));
        }
        if (gateway) {
            env.add(new EnvVar("BOT_BOTTLE_GATEWAY", "127.0.0.1", null));
        }
        ContainerBuilder c = new ContainerBuilder().withName(Names.AGENT_CONTAINER)
                .withImage(spec.image().reference()).withImagePullPolicy("IfNotPresent")
                .withCommand(KEEP_ALIVE).withWorkingDir(options.agentHome()).withEnv(env)
                .withSecurityContext(restricted(AGENT_UID, false))
                .withVolumeMounts(mount(HOME_VOLUME, options.agentHome(), false));
        Map<String, Quantity> limits = new LinkedHashMap<>();
        spec.limits().cpus().ifPresent(cpus -> limits.put("cpu", new Quantity(Math.round(cpus * 1000) + "m")));
        spec.limits().memoryBytes().ifPresent(bytes -> limits.put("memory", new Quantity(Long.toString(bytes))));
        if (!limits.isEmpty()) {
            c.withNewResources().withLimits(limits).withRequests(limits).endResources();
        }
        return c.build();
    }

    private List<Container> initContainers(BottleSpec spec) {
        List<Container> init = new ArrayList<>();
        options.agentFirewallImage().ifPresent(image -> init.add(new ContainerBuilder()
                .withName(Names.FIREWALL_CONTAINER).withImage(image).withImagePullPolicy("IfNotPresent")
                .withCommand("sh", "-c", AGENT_FIREWALL)
                // root with NET_ADMIN for its two rules only, before the agent starts; it ends, nothing stays root
                .withSecurityContext(new SecurityContextBuilder().withAllowPrivilegeEscalation(false)
                        .withPrivileged(false).withRunAsNonRoot(false).withRunAsUser(0L).withRunAsGroup(0L)
                        .withNewCapabilities().withDrop("ALL").withAdd("NET_ADMIN", "NET_RAW").endCapabilities()
                        .withReadOnlyRootFilesystem(true).build())
                .build()));
        init.add(seedContainer(spec));
        return init;
    }

    private Container seedContainer(BottleSpec spec) {
        // the home volume starts empty: the first start copies the image's home onto it, later starts keep it
        String script = "[ -e " + SEED_MOUNT + "/" + SEEDED_MARKER + " ] && exit 0; "
                + "if [ -d \"$0\" ]; then cp -a \"$0\"/. " + SEED_MOUNT + "/ || exit 1; fi; "
                + "touch " + SEED_MOUNT + "/" + SEEDED_MARKER;
        return new ContainerBuilder().withName(Names.SEED_CONTAINER).withImage(spec.image().reference())
                .withImagePullPolicy("IfNotPresent").withCommand("sh", "-c", script, options.agentHome())
                .withSecurityContext(restricted(AGENT_UID, false))
                .withVolumeMounts(mount(HOME_VOLUME, SEED_MOUNT, false))
                .build();
    }

    private Container gatewayContainer(GatewaySidecar sidecar, List<Integer> gatewayPorts) {
        ContainerBuilder c = new ContainerBuilder().withName(Names.GATEWAY_CONTAINER).withImage(sidecar.image())
                .withImagePullPolicy("IfNotPresent")
                .withSecurityContext(restricted(GATEWAY_UID, true));
        if (sidecar.runtimeDriven()) {
            // the runtime starts its gateway program here through exec (ADR 18); until then the container idles
            c.withCommand(sidecar.command().isEmpty() ? KEEP_ALIVE : sidecar.command())
                    .withVolumeMounts(mount(GATEWAY_ROOT_VOLUME, options.program().root(), false));
        } else {
            c.withEnv(new EnvVar("BOT_BOTTLE_GATEWAY_CONFIG", GatewaySidecar.CONFIG_PATH, null))
                    .withVolumeMounts(mount(GATEWAY_VOLUME, GatewaySidecar.CONFIG_PATH, true));
            if (!sidecar.command().isEmpty()) {
                c.withCommand(sidecar.command());
            }
        }
        for (int port : gatewayPorts) {
            c.addNewPort().withContainerPort(port).withProtocol("TCP").endPort();
        }
        return c.build();
    }

    private static VolumeMount mount(String volume, String path, boolean readOnly) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(readOnly).build();
    }

    private static SecurityContext restricted(long uid, boolean readOnlyRoot) {
        return new SecurityContextBuilder().withAllowPrivilegeEscalation(false).withPrivileged(false)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .withRunAsNonRoot(true).withRunAsUser(uid).withRunAsGroup(uid)
                .withReadOnlyRootFilesystem(readOnlyRoot ? Boolean.TRUE : null)
                .build();
    }

    /**
     * The bottle's NetworkPolicy: no ingress; egress only what the gateway needs (DNS to the cluster's resolver, its
     * upstream ports in its CIDRs), or none at all without a gateway. NetworkPolicy selects Pods, not containers: with
     * the gateway as a sidecar these rules are the agent container's too (see docs/kubernetes.md).
     *
     * @param spec the bottle
     * @param labels its labels
     * @param sidecar its gateway, if any
     * @return the policy
     */
    public NetworkPolicy networkPolicy(BottleSpec spec, Map<String, String> labels, Optional<GatewaySidecar> sidecar) {
        return new NetworkPolicyBuilder().withMetadata(meta(Names.networkPolicy(spec.slug()), labels))
                .withNewSpec()
                .withNewPodSelector().addToMatchLabels(Names.SLUG_LABEL, spec.slug())
                .addToMatchLabels(Names.MANAGED_LABEL, "true").endPodSelector()
                .withPolicyTypes("Ingress", "Egress")
                .withIngress(List.of())
                .withEgress(egress(sidecar))
                .endSpec().build();
    }

    /** @return the egress a bottle's Pod is allowed: its gateway's DNS and upstream ports, nothing without one */
    private static List<NetworkPolicyEgressRule> egress(Optional<GatewaySidecar> sidecar) {
        List<NetworkPolicyEgressRule> egress = new ArrayList<>();
        sidecar.ifPresent(s -> {
            NetworkPolicyPeer dns = new NetworkPolicyPeerBuilder()
                    .withNewNamespaceSelector().addToMatchLabels("kubernetes.io/metadata.name", "kube-system")
                    .endNamespaceSelector()
                    .withNewPodSelector().addToMatchLabels("k8s-app", "kube-dns").endPodSelector().build();
            egress.add(new NetworkPolicyEgressRuleBuilder().withTo(dns)
                    .withPorts(port("UDP", 53), port("TCP", 53)).build());
            if (!s.egressPorts().isEmpty() && !s.egressCidrs().isEmpty()) {
                List<NetworkPolicyPeer> to = s.egressCidrs().stream().map(Manifests::ipBlock).toList();
                egress.add(new NetworkPolicyEgressRuleBuilder().withTo(to)
                        .withPorts(s.egressPorts().stream().map(p -> port("TCP", p)).toList()).build());
            }
        });
        return egress;
    }

    /**
     * The {@code SandboxTemplate} of a warm pool for bottles of this one's shape (image, runtime class, limits,
     * gateway sidecar image): its Pods are this backend's Pod with nothing of one bottle in them, the agent's home
     * on a claim agent-sandbox makes per Sandbox from the template's {@code home} volume claim template, and the
     * NetworkPolicy agent-sandbox keeps for the template holding the same rules as a bottle's own (no ingress; the
     * gateway's egress), so a warm Pod is as confined before it is claimed as after. Named after a hash of all that:
     * bottles of another shape get a pool of their own.
     *
     * @param spec a bottle of the shape
     * @param sidecar its gateway, which the runtime drives (a sidecar with files of its own is one bottle's)
     * @param serialization turns the model objects into the generic resource's maps
     * @return the template; its name is the pool's
     */
    GenericKubernetesResource sandboxTemplate(BottleSpec spec, Optional<GatewaySidecar> sidecar,
                                              KubernetesSerialization serialization) {
        Object podSpec = serialization.convertValue(podSpec(spec, sidecar, List.of(), "Always", true), Map.class);
        Map<String, Object> templateSpec = new LinkedHashMap<>();
        templateSpec.put("podTemplate", Map.of("spec", podSpec));
        templateSpec.put("volumeClaimTemplates", List.of(Map.of("metadata", Map.of("name", HOME_VOLUME),
                "spec", serialization.convertValue(homeClaimSpec(), Map.class))));
        templateSpec.put("networkPolicyManagement", "Managed");
        templateSpec.put("networkPolicy", Map.of("ingress", List.of(),
                "egress", serialization.convertValue(egress(sidecar), List.class)));
        // keys sorted at every level: the same shape hashes the same on every host and JVM
        String name = "bb-pool-" + Names.hash(serialization.asJson(sorted(templateSpec)), 10);
        Map<String, String> labels = Map.of(WARM_POOL_LABEL, name);
        templateSpec.put("podTemplate", Map.of("metadata", Map.of("labels", labels), "spec", podSpec));
        GenericKubernetesResource template = extension("SandboxTemplate", name, labels);
        template.setAdditionalProperty("spec", templateSpec);
        return template;
    }

    /**
     * @param sandbox a pooled Sandbox's name
     * @return the claim agent-sandbox makes for its home from the template's {@code home} volume claim template
     */
    static String pooledHome(String sandbox) {
        return HOME_VOLUME + "-" + sandbox;
    }

    /**
     * @param pool the pool's name (its template's)
     * @param replicas how many ready Sandboxes agent-sandbox keeps in it
     * @return the {@code SandboxWarmPool}
     */
    GenericKubernetesResource warmPool(String pool, int replicas) {
        GenericKubernetesResource warmPool = extension("SandboxWarmPool", pool, Map.of(WARM_POOL_LABEL, pool));
        warmPool.setAdditionalProperty("spec", new LinkedHashMap<>(Map.of("replicas", replicas,
                "sandboxTemplateRef", Map.of("name", pool))));
        return warmPool;
    }

    /**
     * The bottle's {@code SandboxClaim} on a warm pool: agent-sandbox hands it a ready Sandbox of the pool (or makes
     * one from the template when none is ready) and gives that Sandbox's Pod the bottle's labels, which its
     * NetworkPolicy and cleanup select.
     *
     * @param spec the bottle
     * @param labels its labels
     * @param pool the pool's name
     * @return the claim
     */
    GenericKubernetesResource sandboxClaim(BottleSpec spec, Map<String, String> labels, String pool) {
        GenericKubernetesResource claim = extension("SandboxClaim", Names.workload(spec.slug()), labels);
        Map<String, Object> claimSpec = new LinkedHashMap<>();
        claimSpec.put("warmPoolRef", Map.of("name", pool));
        claimSpec.put("additionalPodMetadata", Map.of("labels", labels,
                "annotations", Names.runtimeAnnotations(spec.labels())));
        claim.setAdditionalProperty("spec", claimSpec);
        return claim;
    }

    private static Object sorted(Object value) {
        if (value instanceof Map<?, ?> map) {
            TreeMap<String, Object> copy = new TreeMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), sorted(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(Manifests::sorted).toList();
        }
        return value;
    }

    private GenericKubernetesResource extension(String kind, String name, Map<String, String> labels) {
        GenericKubernetesResource resource = new GenericKubernetesResource();
        resource.setApiVersion(EXTENSIONS_GROUP + "/" + EXTENSIONS_VERSION);
        resource.setKind(kind);
        resource.setMetadata(meta(name, labels));
        return resource;
    }

    private static NetworkPolicyPort port(String protocol, int port) {
        NetworkPolicyPort p = new NetworkPolicyPort();
        p.setProtocol(protocol);
        p.setPort(new IntOrString(port));
        return p;
    }

    private static NetworkPolicyPeer ipBlock(String cidrWithExceptions) {
        List<String> parts = Arrays.asList(cidrWithExceptions.split("!"));
        NetworkPolicyPeer peer = new NetworkPolicyPeer();
        peer.setIpBlock(new IPBlock(parts.get(0), parts.subList(1, parts.size())));
        return peer;
    }
}
