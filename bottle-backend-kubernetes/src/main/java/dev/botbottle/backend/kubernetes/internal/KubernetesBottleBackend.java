package dev.botbottle.backend.kubernetes.internal;

import dev.botbottle.backend.kubernetes.GatewaySidecar;
import dev.botbottle.backend.kubernetes.KubernetesGateways;
import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.BackendPlan;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.EngineState;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.GatewayRunner;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.support.AgentUser;
import dev.botbottle.spi.support.TeardownSteps;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The {@code kubernetes} backend: each bottle is a Pod, or an agent-sandbox {@code Sandbox} where that CRD is
 * installed, with the gateway as a sidecar container; a NetworkPolicy per bottle; the agent's home on a
 * PersistentVolumeClaim so stop (Pod deleted, or the Sandbox scaled to zero) and resume keep it; the bottle's Pod
 * manifest in a ConfigMap so any host with the kubeconfig can resume it.
 */
public final class KubernetesBottleBackend implements BottleBackend, KubernetesGateways {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesBottleBackend.class);
    static final String POD_RECORD = "pod.json";
    static final String WORKLOAD_RECORD = "workload";
    private static final Duration SHORT = Duration.ofSeconds(60);
    private static final Duration READY_ROUND = Duration.ofSeconds(5);

    private final Cluster cluster;
    private final Options options;
    private final Manifests manifests;
    private final ProgressListener progress;
    private final String kubectl;
    private final Map<String, GatewaySidecar> sidecars = new ConcurrentHashMap<>();
    /** Bottles whose objects were made when their gateway started (before {@code create}). */
    private final Set<String> madeForGateway = ConcurrentHashMap.newKeySet();

    /**
     * @param client the API client (the backend does not close it)
     * @param options the checked backend options
     * @param progress receives progress of long steps
     * @param kubectl the kubectl command for {@link Bottle#attachCommand}
     */
    public KubernetesBottleBackend(io.fabric8.kubernetes.client.KubernetesClient client, Options options,
                                   ProgressListener progress, String kubectl) {
        this.cluster = new Cluster(client, options.namespace());
        this.options = options;
        this.manifests = new Manifests(options);
        this.progress = progress;
        this.kubectl = kubectl;
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public void useGateway(String slug, GatewaySidecar sidecar) {
        sidecars.put(slug, sidecar);
    }

    private Optional<GatewaySidecar> sidecar(String slug) {
        return Optional.ofNullable(sidecars.get(slug)).or(options::gateway);
    }

    /** @return the Sandbox API the bottle is written in, or empty for a plain Pod */
    private Optional<SandboxApi> workload() {
        return switch (options.workload()) {
            case "pod" -> Optional.empty();
            case "sandbox" -> {
                Optional<io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition> crd =
                        cluster.sandboxCrd();
                if (crd.isEmpty()) {
                    throw new BackendException("backend option kubernetes.workload=sandbox, but the cluster has no "
                            + Manifests.SANDBOX_CRD + " CRD (or this user may not read it): install agent-sandbox "
                            + "(docs/kubernetes.md) or set kubernetes.workload=auto");
                }
                yield Optional.of(SandboxApi.servedBy(crd.get()).orElseThrow(() -> new BackendException(
                        "backend option kubernetes.workload=sandbox, but the cluster's " + Manifests.SANDBOX_CRD
                                + " CRD serves " + SandboxApi.served(crd.get()) + ", none of the versions this "
                                + "backend writes (v1beta1, v1alpha1): install an agent-sandbox release that serves "
                                + "one, or set kubernetes.workload=pod")));
            }
            default -> cluster.sandboxApi();
        };
    }

    @Override
    public BackendPlan describe(BottleSpec spec) {
        Map<String, String> details = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        details.put("namespace", options.namespace());
        details.put("workload", options.workload().equals("auto") ? "auto (Sandbox where agent-sandbox is installed, "
                + "a Pod otherwise)" : options.workload());
        if (options.warmPool() > 0) {
            details.put("warm pool", "a SandboxClaim on agent-sandbox's SandboxWarmPool for bottles of this shape ("
                    + options.warmPool() + " ready sandbox(es); template and pool made when missing, kept after the "
                    + "bottle)");
        }
        details.put("pod", Names.workload(spec.slug()) + " (uid " + Manifests.AGENT_UID + ", runAsNonRoot, no "
                + "privilege escalation, all capabilities dropped, no service account token)");
        details.put("runtime class", options.runtimeClass().orElse("the cluster's default"));
        Optional<GatewaySidecar> sidecar = sidecar(spec.slug());
        details.put("gateway", sidecar.map(s -> "sidecar " + s.image() + " on 127.0.0.1" + (s.runtimeDriven()
                ? " (the runtime's gateway program, started through exec; its state in a memory volume at "
                + options.program().root() + ")" : " (a gateway of its own, configured by Secret "
                + Names.gatewaySecret(spec.slug()) + ")")).orElse("none"));
        details.put("network policy", Names.networkPolicy(spec.slug()) + (sidecar.isPresent()
                ? " (egress: cluster DNS, TCP " + sidecar.get().egressPorts() + " to " + sidecar.get().egressCidrs() + ")"
                : " (no egress)"));
        details.put("home", options.agentHome() + " on claim " + Names.stateClaim(spec.slug()) + " ("
                + options.homeSize() + ")");
        if (options.runtimeClass().isEmpty()) {
            warnings.add("no sandboxed runtime: kubernetes.runtime-class is unset, so the bottle shares the node's "
                    + "kernel (set it to a gVisor or Kata RuntimeClass)");
        }
        details.put("agent firewall", options.agentFirewallImage().map(i -> "init container " + i + ": uid "
                + Manifests.AGENT_UID + " may use the Pod's loopback only").orElse("none"));
        if (options.agentFirewallImage().isPresent()) {
            warnings.add("Pod Security: the agent-firewall init container runs as root with NET_ADMIN, so the Pod does "
                    + "not meet the restricted profile (baseline does not admit NET_ADMIN either: the namespace must "
                    + "be privileged or exempt it)");
        } else if (sidecar.isPresent()) {
            warnings.add("network policy per Pod: the agent container may open the same connections its gateway "
                    + "sidecar may (cluster DNS, TCP " + sidecar.get().egressPorts() + " to "
                    + sidecar.get().egressCidrs() + "), bypassing the gateway; see docs/kubernetes.md");
        }
        if (spec.limits().pids().isPresent()) {
            warnings.add("no process limit: Kubernetes sets pid limits per node (kubelet podPidsLimit), not per Pod");
        }
        warnings.add("root provisioning: nothing runs as root in the bottle (root-owned copies and commands as "
                + "another user are refused)");
        return new BackendPlan(name(), details, warnings);
    }

    @Override
    public HostReach prepare(BottleSpec spec) {
        Names.checkSlug(spec.slug());
        Names.labels(spec.slug(), spec.agent(), spec.labels(), "pod");
        checkRuntimeClass();
        List<String> existing = cluster.objects(spec.slug());
        if (!existing.isEmpty()) {
            throw new BackendException("bottle " + spec.slug() + " already has objects in namespace "
                    + options.namespace() + ": " + String.join(", ", existing) + "; remove them with `bottle cleanup` "
                    + "(or kubectl delete all,networkpolicy,secret,pvc,configmap -n " + options.namespace() + " -l "
                    + Names.selector(spec.slug()) + ")");
        }
        return new HostReach("127.0.0.1", "127.0.0.1", "NetworkPolicy " + Names.networkPolicy(spec.slug())
                + " (needs a CNI that enforces NetworkPolicy); gateway as a sidecar on the Pod's loopback");
    }

    private void checkRuntimeClass() {
        if (options.runtimeClass().isEmpty()) {
            return;
        }
        String rc = options.runtimeClass().get();
        boolean present;
        try {
            present = cluster.hasRuntimeClass(rc);
        } catch (KubernetesClientException e) {
            throw new BackendException("could not check RuntimeClass " + rc + " (backend option "
                    + "kubernetes.runtime-class): " + e.getMessage() + "; check your rights to get runtimeclasses", e);
        }
        if (!present) {
            List<String> known = cluster.runtimeClasses();
            throw new BackendException("backend option kubernetes.runtime-class=" + rc + " names a RuntimeClass the "
                    + "cluster does not have (it has: " + (known.isEmpty() ? "none" : String.join(", ", known)) + "): "
                    + "install it (gVisor: GKE Sandbox or runsc with a RuntimeClass named " + rc + "; Kata: "
                    + "kata-deploy; see docs/kubernetes.md), or set the option to one of those, or unset it");
        }
    }

    /**
     * A runner for the bottle's sidecar when the runtime drives it ({@link GatewaySidecar#runtimeDriven()}): the
     * runtime starts its gateway program in the Pod's gateway container, before {@code create}, so the runner makes
     * the bottle's objects then (or resumes its Pod) and waits for the Pod.
     */
    @Override
    public Optional<GatewayRunner> gatewayRunner(BottleSpec spec, HostReach reach) {
        return sidecar(spec.slug()).filter(GatewaySidecar::runtimeDriven)
                .map(s -> new PodGatewayRunner(cluster, options.namespace(), options.program(), spec.slug(),
                        () -> runningPod(spec)));
    }

    /** The bottle's Pod, ready: its objects made now when it has none yet (create then keeps them), else resumed. */
    private Pod runningPod(BottleSpec spec) {
        String slug = spec.slug();
        if (cluster.readState(slug).isEmpty()) {
            createObjects(spec, List.of());
            madeForGateway.add(slug);
        } else {
            wake(slug);
        }
        Pod pod = waitReady(slug);
        if (PodStates.failed(pod)) {
            throw new BackendException("the pod of bottle " + slug + " failed: " + PodStates.why(pod));
        }
        return pod;
    }

    @Override
    public void create(BottleSpec spec, HostReach reach, List<Integer> gatewayPorts) {
        if (madeForGateway.remove(spec.slug())) {
            return; // made when the runtime started the bottle's gateway in it
        }
        createObjects(spec, gatewayPorts);
    }

    private void createObjects(BottleSpec spec, List<Integer> gatewayPorts) {
        Optional<SandboxApi> sandboxApi = workload();
        String workload = sandboxApi.isPresent() ? "sandbox" : "pod";
        Map<String, String> labels = manifests.labels(spec, workload);
        Optional<GatewaySidecar> sidecar = sidecar(spec.slug());
        if (sidecar.isEmpty() && !gatewayPorts.isEmpty()) {
            // the runtime started the gateway services on its own host: a Pod cannot reach them there, and its agent
            // would dial 127.0.0.1 in the Pod, where nothing listens
            throw new BackendException("bottle " + spec.slug() + " has gateway services (ports " + gatewayPorts
                    + ") but no gateway sidecar: a Pod reaches its gateway on its own loopback, and this runtime runs"
                    + " the services on its host. Hand the backend a sidecar (KubernetesGateways.useGateway, or the "
                    + "kubernetes.gateway.* options), or launch a bottle without egress routes, git remotes and "
                    + "supervise; see docs/kubernetes.md");
        }
        if (options.warmPool() > 0) {
            createClaimed(spec, sandboxApi, labels, sidecar);
            return;
        }
        var client = cluster.client();
        String ns = options.namespace();
        try {
            progress.onProgress("create", "claim " + Names.stateClaim(spec.slug()) + " for the agent's home");
            client.persistentVolumeClaims().inNamespace(ns).resource(manifests.homeClaim(spec, labels)).create();
            if (sidecar.isPresent() && !sidecar.get().runtimeDriven()) {
                client.secrets().inNamespace(ns).resource(manifests.gatewaySecret(spec, labels, sidecar.get())).create();
            }
            progress.onProgress("create", "network policy " + Names.networkPolicy(spec.slug()));
            client.network().v1().networkPolicies().inNamespace(ns)
                    .resource(manifests.networkPolicy(spec, labels, sidecar)).create();
            Pod pod = manifests.pod(spec, labels, sidecar, gatewayPorts);
            Map<String, String> state = new TreeMap<>();
            state.put(WORKLOAD_RECORD, workload);
            state.put(POD_RECORD, client.getKubernetesSerialization().asJson(pod));
            cluster.writeState(spec.slug(), state, labels);
            if (sandboxApi.isPresent()) {
                progress.onProgress("create", "sandbox " + Names.workload(spec.slug()) + " ("
                        + sandboxApi.get().apiVersion() + ")");
                cluster.sandboxes(sandboxApi.get()).inNamespace(ns).resource(manifests.sandbox(sandboxApi.get(), spec,
                        labels, sidecar, gatewayPorts, client.getKubernetesSerialization())).create();
            } else {
                progress.onProgress("create", "pod " + Names.workload(spec.slug()));
                client.pods().inNamespace(ns).resource(pod).create();
            }
        } catch (KubernetesClientException e) {
            throw new BackendException("could not create bottle " + spec.slug() + " in namespace " + ns + ": "
                    + e.getMessage() + " (bottle teardown removes what was made)", e);
        }
    }

    /**
     * A bottle from a warm pool ({@code kubernetes.warm-pool}): the pool's template and pool for bottles of this
     * shape (made when missing), the bottle's NetworkPolicy and state, and a SandboxClaim that agent-sandbox answers
     * with a ready Sandbox of the pool, whose Pod it gives the bottle's labels.
     */
    private void createClaimed(BottleSpec spec, Optional<SandboxApi> sandboxApi, Map<String, String> labels,
                               Optional<GatewaySidecar> sidecar) {
        String ns = options.namespace();
        if (sandboxApi.isEmpty()) {
            throw new BackendException("backend option kubernetes.warm-pool=" + options.warmPool() + " needs "
                    + "agent-sandbox, but the cluster has no " + Manifests.SANDBOX_CRD + " CRD serving v1beta1 or "
                    + "v1alpha1: install agent-sandbox with its extensions (docs/kubernetes.md) or leave "
                    + "kubernetes.warm-pool out");
        }
        Optional<String> missing = cluster.warmPoolsMissing();
        if (missing.isPresent()) {
            throw new BackendException("backend option kubernetes.warm-pool=" + options.warmPool() + " needs "
                    + "agent-sandbox's extensions, but the cluster lacks " + missing.get() + ": install its "
                    + "extensions manifest (docs/kubernetes.md) or leave kubernetes.warm-pool out");
        }
        if (sidecar.isPresent() && !sidecar.get().runtimeDriven()) {
            throw new BackendException("bottle " + spec.slug() + " has a gateway sidecar with configuration files of "
                    + "its own (kubernetes.gateway.config), which belong to one bottle and cannot be in a warm pool's "
                    + "shared template: leave kubernetes.gateway.config out (the runtime then drives the sidecar) or "
                    + "leave kubernetes.warm-pool out");
        }
        var client = cluster.client();
        try {
            GenericKubernetesResource template = manifests.sandboxTemplate(spec, sidecar,
                    client.getKubernetesSerialization());
            String pool = template.getMetadata().getName();
            if (cluster.extensions("sandboxtemplates").inNamespace(ns).withName(pool).get() == null) {
                progress.onProgress("create", "sandbox template " + pool + " for bottles of this shape");
                createUnlessThere(cluster.extensions("sandboxtemplates").inNamespace(ns).resource(template));
            }
            var warmPool = cluster.extensions("sandboxwarmpools").inNamespace(ns).withName(pool);
            GenericKubernetesResource existing = warmPool.get();
            if (existing == null) {
                progress.onProgress("create", "warm pool " + pool + " of " + options.warmPool() + " sandbox(es)");
                createUnlessThere(cluster.extensions("sandboxwarmpools").inNamespace(ns)
                        .resource(manifests.warmPool(pool, options.warmPool())));
            } else if (!Integer.valueOf(options.warmPool()).equals(replicas(existing))) {
                progress.onProgress("create", "warm pool " + pool + " now keeps " + options.warmPool()
                        + " sandbox(es)");
                warmPool.edit(p -> {
                    p.setAdditionalProperty("spec", manifests.warmPool(pool, options.warmPool())
                            .getAdditionalProperties().get("spec"));
                    return p;
                });
            }
            progress.onProgress("create", "network policy " + Names.networkPolicy(spec.slug()));
            client.network().v1().networkPolicies().inNamespace(ns)
                    .resource(manifests.networkPolicy(spec, labels, sidecar)).create();
            cluster.writeState(spec.slug(), Map.of(WORKLOAD_RECORD, "claim"), labels);
            progress.onProgress("create", "sandbox claim " + Names.workload(spec.slug()) + " on warm pool " + pool);
            cluster.extensions("sandboxclaims").inNamespace(ns).resource(manifests.sandboxClaim(spec, labels, pool))
                    .create();
        } catch (KubernetesClientException e) {
            throw new BackendException("could not create bottle " + spec.slug() + " on a warm pool in namespace " + ns
                    + ": " + e.getMessage() + " (bottle teardown removes what was made)", e);
        }
    }

    /** Creates a shared object; another host making it first (409 Conflict) is as good. */
    private static void createUnlessThere(Resource<GenericKubernetesResource> resource) {
        try {
            resource.create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    private static Object replicas(GenericKubernetesResource pool) {
        return pool.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec
                && spec.get("replicas") instanceof Number n ? n.intValue() : null;
    }

    @Override
    public Bottle start(String slug) {
        Pod pod = waitReady(slug);
        return handle(slug, pod);
    }

    private Pod waitReady(String slug) {
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        progress.onProgress("start", "waiting for the pod of " + slug + " to be ready");
        Optional<Pod> pod = Optional.empty();
        while (pod.isEmpty() && System.nanoTime() < deadline) {
            pod = cluster.pod(slug);
            if (pod.isEmpty()) {
                // a Sandbox's controller makes the Pod: wait for it to appear
                try {
                    cluster.client().pods().inNamespace(options.namespace()).withLabels(Cluster.selector(slug))
                            .informOnCondition(list -> !list.isEmpty()).get(5, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    LOG.debug("no pod for {} yet", slug);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BackendException("interrupted while bottle " + slug + " started", e);
                }
            }
        }
        if (pod.isEmpty()) {
            throw new BackendException("bottle " + slug + " has no pod in namespace " + options.namespace() + " after "
                    + options.startTimeout().toSeconds() + " s (kubectl get sandbox,pod -n " + options.namespace()
                    + " -l " + Names.selector(slug) + ")");
        }
        String name = pod.get().getMetadata().getName();
        var resource = cluster.client().pods().inNamespace(options.namespace()).withName(name);
        while (true) {
            // watched in rounds of at most READY_ROUND, each starting from a fresh read: a change the watch missed
            // (a reconnect, a status written between list and watch) costs one round, not the whole time-out
            long left = TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime());
            try {
                return resource.waitUntilCondition(p -> p != null && (PodStates.ready(p) || PodStates.failed(p)),
                        Math.max(1, Math.min(left, READY_ROUND.toSeconds())), TimeUnit.SECONDS);
            } catch (KubernetesClientTimeoutException e) {
                if (left <= READY_ROUND.toSeconds()) {
                    throw new BackendException("the pod of bottle " + slug + " is not ready after "
                            + options.startTimeout().toSeconds() + " s: " + PodStates.why(resource.get())
                            + " (kubectl describe pod -n " + options.namespace() + " " + name + ")");
                }
            }
        }
    }

    private Bottle handle(String slug, Pod pod) {
        if (PodStates.failed(pod)) {
            throw new BackendException("the pod of bottle " + slug + " failed: " + PodStates.why(pod));
        }
        PodExec exec = new PodExec(cluster.client(), options.namespace(), slug, pod.getMetadata().getName());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = exec.run(ExecRequest.of("cat", "/etc/passwd").withTimeout(SHORT), Optional.empty(), out,
                OutputStream.nullOutputStream());
        Map<String, AgentUser> users = code == 0 ? AgentUser.parse(out.toString(java.nio.charset.StandardCharsets.UTF_8))
                : Map.of();
        AgentUser agent = AgentUser.find(users, Long.toString(Manifests.AGENT_UID))
                .orElse(new AgentUser(Long.toString(Manifests.AGENT_UID), (int) Manifests.AGENT_UID,
                        (int) Manifests.AGENT_UID, options.agentHome()));
        return new KubernetesBottle(slug, options.namespace(), agent.name(), agent.home(), exec, kubectl);
    }

    @Override
    public void stop(String slug) {
        try {
            Optional<SandboxApi> api = cluster.sandboxApi();
            Optional<GenericKubernetesResource> sandbox = cluster.sandbox(slug);
            if (api.isPresent() && sandbox.isPresent()) {
                String name = sandbox.get().getMetadata().getName();
                progress.onProgress("stop", "suspending sandbox " + name + " (its volumes stay)");
                cluster.sandboxes(api.get()).inNamespace(options.namespace()).withName(name)
                        .edit(s -> api.get().withRunning(s, false));
                return;
            }
            progress.onProgress("stop", "deleting pod " + Names.workload(slug) + " (its home stays on "
                    + Names.stateClaim(slug) + ")");
            cluster.deletePodAndWait(Names.workload(slug), options.startTimeout().toSeconds());
        } catch (KubernetesClientException e) {
            throw new BackendException("could not stop bottle " + slug + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Bottle resume(String slug, List<Integer> gatewayPorts) {
        wake(slug);
        return start(slug);
    }

    /** Scales the bottle's Sandbox to one, or recreates its Pod from the saved manifest; nothing when it runs. */
    private void wake(String slug) {
        try {
            Optional<SandboxApi> api = cluster.sandboxApi();
            Optional<GenericKubernetesResource> sandbox = cluster.sandbox(slug);
            if (api.isPresent() && sandbox.isPresent()) {
                String name = sandbox.get().getMetadata().getName();
                progress.onProgress("resume", "resuming sandbox " + name);
                cluster.sandboxes(api.get()).inNamespace(options.namespace()).withName(name)
                        .edit(s -> api.get().withRunning(s, true));
            } else if (cluster.client().pods().inNamespace(options.namespace()).withName(Names.workload(slug))
                    .get() == null) {
                String json = cluster.readState(slug).map(m -> m.get(POD_RECORD)).orElseThrow(() ->
                        new BackendException("bottle " + slug + " has no saved pod in namespace " + options.namespace()
                                + " (ConfigMap " + Names.stateMap(slug) + "): it cannot be resumed; launch it again"));
                Pod pod = cluster.client().getKubernetesSerialization().unmarshal(json, Pod.class);
                pod.getMetadata().setResourceVersion(null);
                progress.onProgress("resume", "recreating pod " + Names.workload(slug));
                cluster.client().pods().inNamespace(options.namespace()).resource(pod).create();
            }
        } catch (KubernetesClientException e) {
            throw new BackendException("could not resume bottle " + slug + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Bottle attach(String slug) {
        Pod pod = cluster.pod(slug).filter(PodStates::ready).orElseThrow(() -> new BackendException("no bottle named "
                + slug + " runs in namespace " + options.namespace() + " (bottle ps lists them)"));
        return handle(slug, pod);
    }

    @Override
    public void teardown(String slug) {
        TeardownSteps steps = new TeardownSteps(slug);
        String ns = options.namespace();
        var client = cluster.client();
        Map<String, String> selector = Cluster.selector(slug);
        steps.run("check for agent-sandbox", () -> {
            Optional<SandboxApi> api = cluster.sandboxApi();
            if (api.isPresent()) {
                // a Sandbox a warm pool handed the bottle's claim has the pool's name, its home claim named after it
                Optional<String> claimed = cluster.claim(slug).flatMap(Cluster::claimedSandbox);
                steps.run("delete sandbox claim " + Names.workload(slug), () -> cluster.extensions("sandboxclaims")
                        .inNamespace(ns).withLabels(selector).delete());
                claimed.ifPresent(name -> {
                    steps.run("delete sandbox " + name,
                            () -> cluster.sandboxes(api.get()).inNamespace(ns).withName(name).delete());
                    steps.run("delete claim " + Manifests.pooledHome(name),
                            () -> client.persistentVolumeClaims().inNamespace(ns).withName(Manifests.pooledHome(name))
                                    .delete());
                });
                steps.run("delete sandbox " + Names.workload(slug),
                        () -> cluster.sandboxes(api.get()).inNamespace(ns).withLabels(selector).delete());
            }
        });
        steps.run("delete pod " + Names.workload(slug), () -> client.pods().inNamespace(ns).withLabels(selector)
                .withGracePeriod(0).delete());
        steps.run("delete network policy " + Names.networkPolicy(slug),
                () -> client.network().v1().networkPolicies().inNamespace(ns).withLabels(selector).delete());
        steps.run("delete secret " + Names.gatewaySecret(slug),
                () -> client.secrets().inNamespace(ns).withLabels(selector).delete());
        steps.run("delete claim " + Names.stateClaim(slug),
                () -> client.persistentVolumeClaims().inNamespace(ns).withLabels(selector).delete());
        steps.run("delete config map " + Names.stateMap(slug),
                () -> client.configMaps().inNamespace(ns).withLabels(selector).delete());
        sidecars.remove(slug);
        madeForGateway.remove(slug);
        steps.finish();
    }

    @Override
    public Set<String> list() {
        try {
            return cluster.slugs();
        } catch (KubernetesClientException e) {
            throw new BackendException("could not list bottles in namespace " + options.namespace() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, EngineState> states() {
        Map<String, EngineState> states = new TreeMap<>();
        for (String slug : list()) {
            Optional<Pod> pod = cluster.pod(slug);
            if (pod.isPresent()) {
                states.put(slug, PodStates.ready(pod.get()) ? EngineState.RUNNING
                        : PodStates.failed(pod.get()) ? EngineState.STOPPED : EngineState.UNKNOWN);
            } else if (cluster.readState(slug).isPresent()) {
                states.put(slug, EngineState.STOPPED);
            } else {
                states.put(slug, EngineState.INCOMPLETE);
            }
        }
        return states;
    }
}
