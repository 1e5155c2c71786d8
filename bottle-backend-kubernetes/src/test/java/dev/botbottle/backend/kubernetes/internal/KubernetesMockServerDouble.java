package dev.botbottle.backend.kubernetes.internal;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A DOUBLE of a Kubernetes cluster: fabric8's mock API server in CRUD mode (objects are stored and listed, watched,
 * patched and deleted as a real API server would, but nothing runs them: no scheduler, no kubelet, no agent-sandbox
 * controller, no CNI enforcing NetworkPolicy). Tests play those parts with {@link #runPod}, {@link #actAsSandboxController}.
 *
 * <p>Exec requests ({@code pods/NAME/exec}, a WebSocket upgrade CRUD mode does not serve) are answered here: the
 * request is recorded, the backend's exec header on standard input is decoded exactly as {@link PodExec#WRAPPER}
 * decodes it in a real container, and a handler the test registers plays the program, returning its output and exit
 * code over the Kubernetes stream channels (1 stdout, 2 stderr, 3 status). For a container named with
 * {@link #runExecsOnThisHost}, the double plays the container for real instead: each exec's command runs as a process
 * of this host, its standard streams carried over the WebSocket as a kubelet carries them, the WebSocket's end closing
 * its standard input.
 */
final class KubernetesMockServerDouble implements AutoCloseable {

    /** One exec the double answered. */
    record Exec(String pod, String container, List<String> command, List<String> argv, Map<String, String> env,
                Optional<String> workdir, byte[] stdin) {
    }

    /** What the played program returns. */
    record Result(int exitCode, byte[] stdout, byte[] stderr) {
        static Result ok(String stdout) {
            return new Result(0, stdout.getBytes(StandardCharsets.UTF_8), new byte[0]);
        }
    }

    static final String PASSWD = "root:x:0:0:root:/root:/bin/bash\nagent:x:1000:1000::/home/agent:/bin/bash\n";

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final List<Exec> execs = new CopyOnWriteArrayList<>();
    private final java.util.Set<String> liveContainers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final List<io.fabric8.kubernetes.client.Watch> watches = new CopyOnWriteArrayList<>();
    private volatile Function<Exec, Result> programs = e -> e.argv().equals(List.of("cat", "/etc/passwd"))
            ? Result.ok(PASSWD) : new Result(127, new byte[0],
            (PodExec.MISSING + e.argv().get(0) + "\n").getBytes(StandardCharsets.UTF_8));

    KubernetesMockServerDouble() {
        Map<io.fabric8.mockwebserver.ServerRequest, java.util.Queue<io.fabric8.mockwebserver.ServerResponse>> responses =
                new HashMap<>();
        KubernetesMixedDispatcher dispatcher = new KubernetesMixedDispatcher(responses) {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (request.getPath().contains("/exec?")) {
                    return exec(request);
                }
                return super.dispatch(request);
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
        server.init();
        for (String plural : Cluster.WARM_POOL_KINDS) {
            server.expectCustomResource(new CustomResourceDefinitionContext.Builder()
                    .withGroup(Manifests.EXTENSIONS_GROUP).withVersion(Manifests.EXTENSIONS_VERSION)
                    .withKind(kind(plural)).withPlural(plural).withScope("Namespaced").build());
        }
        for (SandboxApi api : SandboxApi.values()) {
            server.expectCustomResource(new CustomResourceDefinitionContext.Builder().withGroup(Manifests.SANDBOX_GROUP)
                    .withVersion(api.version()).withKind("Sandbox").withPlural("sandboxes").withScope("Namespaced")
                    .build());
        }
        // the client's request timeout also bounds how long an exec WebSocket may take to open: 10 s by default,
        // which a loaded CI machine exceeded; the double's tests are about behaviour, not speed
        KubernetesClient plain = server.createClient();
        io.fabric8.kubernetes.client.Config config = new io.fabric8.kubernetes.client.ConfigBuilder(
                plain.getConfiguration()).withRequestTimeout(120_000).build();
        plain.close();
        client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build();
    }

    KubernetesClient client() {
        return client;
    }

    /**
     * @param handler plays the programs of the execs to come (after the wrapper decoded their header); a
     *                {@code null} result is a program that never ends
     */
    void programs(Function<Exec, Result> handler) {
        this.programs = handler;
    }

    /** @return the execs answered so far, in order */
    List<Exec> execs() {
        return List.copyOf(execs);
    }

    /** @param container a container name whose execs run as real processes of this host from now on */
    void runExecsOnThisHost(String container) {
        liveContainers.add(container);
    }

    /**
     * @param seconds how long to wait at most
     * @return whether every process the double ran for an exec has ended
     */
    boolean awaitExecProcessesEnded(long seconds) throws InterruptedException {
        for (Process p : processes) {
            if (!p.waitFor(seconds, java.util.concurrent.TimeUnit.SECONDS)) {
                return false;
            }
        }
        return true;
    }

    /** Plays the kubelet from now on: every Pod made in the namespace runs and its containers are ready. */
    void actAsKubelet(String namespace) {
        watches.add(client.pods().inNamespace(namespace).watch(new io.fabric8.kubernetes.client.Watcher<Pod>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                if (action == Action.ADDED) {
                    String name = pod.getMetadata().getName();
                    new Thread(() -> runPod(namespace, name), "double-kubelet-" + name).start();
                }
            }

            @Override
            public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
                // the double is closing
            }
        }));
    }

    /**
     * Installs the agent-sandbox Sandbox CRD, as {@code kubectl apply} of its manifest would: as agent-sandbox's
     * current releases serve it ({@code v1beta1}, stored, and the deprecated {@code v1alpha1}).
     */
    void installSandboxCrd() {
        installSandboxCrd("v1beta1", "v1alpha1");
    }

    /** @param served the versions the CRD serves, the first one stored (an older release served only v1alpha1) */
    void installSandboxCrd(String... served) {
        var versions = new ArrayList<io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion>();
        for (int i = 0; i < served.length; i++) {
            versions.add(new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersionBuilder()
                    .withName(served[i]).withServed(true).withStorage(i == 0).build());
        }
        client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName(Manifests.SANDBOX_CRD).endMetadata()
                .withNewSpec().withGroup(Manifests.SANDBOX_GROUP).withScope("Namespaced")
                .withNewNames().withKind("Sandbox").withPlural("sandboxes").withSingular("sandbox").endNames()
                .withVersions(versions).endSpec().build()).create();
    }

    private static String kind(String plural) {
        return switch (plural) {
            case "sandboxtemplates" -> "SandboxTemplate";
            case "sandboxwarmpools" -> "SandboxWarmPool";
            default -> "SandboxClaim";
        };
    }

    /** Installs agent-sandbox's extensions CRDs (SandboxTemplate, SandboxWarmPool, SandboxClaim), v1beta1. */
    void installWarmPoolCrds() {
        for (String plural : Cluster.WARM_POOL_KINDS) {
            String kind = kind(plural);
            client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
                    .withNewMetadata().withName(plural + "." + Manifests.EXTENSIONS_GROUP).endMetadata()
                    .withNewSpec().withGroup(Manifests.EXTENSIONS_GROUP).withScope("Namespaced")
                    .withNewNames().withKind(kind).withPlural(plural).withSingular(kind.toLowerCase()).endNames()
                    .addNewVersion().withName("v1beta1").withServed(true).withStorage(true).endVersion()
                    .addNewVersion().withName("v1alpha1").withServed(true).withStorage(false).endVersion()
                    .endSpec().build()).create();
        }
    }

    /**
     * Plays agent-sandbox's warm pool controller: fills each SandboxWarmPool with Sandboxes (and their Pods) of its
     * template, named after the pool, their Pods labelled as the template says and nothing of a bottle.
     *
     * @return the names of the Sandboxes it made
     */
    @SuppressWarnings("unchecked")
    List<String> actAsWarmPoolController(String namespace) {
        List<String> made = new ArrayList<>();
        var extensions = new Cluster(client, namespace);
        for (GenericKubernetesResource pool : extensions.extensions("sandboxwarmpools").inNamespace(namespace).list()
                .getItems()) {
            Map<String, Object> spec = (Map<String, Object>) pool.getAdditionalProperties().get("spec");
            String templateName = (String) ((Map<String, Object>) spec.get("sandboxTemplateRef")).get("name");
            GenericKubernetesResource template = extensions.extensions("sandboxtemplates").inNamespace(namespace)
                    .withName(templateName).get();
            Map<String, Object> templateSpec = (Map<String, Object>) template.getAdditionalProperties().get("spec");
            int replicas = ((Number) spec.get("replicas")).intValue();
            for (int i = 0; i < replicas; i++) {
                String name = pool.getMetadata().getName() + "-" + i;
                GenericKubernetesResource sandbox = new GenericKubernetesResource();
                sandbox.setApiVersion(SandboxApi.V1BETA1.apiVersion());
                sandbox.setKind("Sandbox");
                sandbox.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name)
                        .withNamespace(namespace).addToLabels("agents.x-k8s.io/pool", pool.getMetadata().getName())
                        .build());
                Map<String, Object> sandboxSpec = new LinkedHashMap<>();
                sandboxSpec.put("podTemplate", templateSpec.get("podTemplate"));
                sandboxSpec.put("volumeClaimTemplates", templateSpec.get("volumeClaimTemplates"));
                sandboxSpec.put("operatingMode", "Running");
                sandbox.setAdditionalProperty("spec", sandboxSpec);
                client.genericKubernetesResources(SandboxApi.V1BETA1.context()).inNamespace(namespace)
                        .resource(sandbox).create();
                client.persistentVolumeClaims().inNamespace(namespace).resource(
                        new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder().withNewMetadata()
                                .withName(Manifests.pooledHome(name)).endMetadata().build()).create();
                actAsSandboxController(SandboxApi.V1BETA1, namespace, name);
                made.add(name);
            }
        }
        return made;
    }

    /**
     * Plays agent-sandbox's claim controller: binds the claim to a ready Sandbox of its pool nobody claimed yet,
     * merging the claim's pod labels and annotations into that Sandbox's pod template and onto its running Pod.
     *
     * @return the Sandbox it bound
     */
    @SuppressWarnings("unchecked")
    String actAsClaimController(String namespace, String claimName) {
        var extensions = new Cluster(client, namespace);
        var claims = extensions.extensions("sandboxclaims").inNamespace(namespace);
        GenericKubernetesResource claim = claims.withName(claimName).get();
        Map<String, Object> claimSpec = (Map<String, Object>) claim.getAdditionalProperties().get("spec");
        String pool = (String) ((Map<String, Object>) claimSpec.get("warmPoolRef")).get("name");
        Map<String, Object> metadata = (Map<String, Object>) claimSpec.get("additionalPodMetadata");
        Map<String, String> labels = (Map<String, String>) metadata.get("labels");
        var sandboxes = client.genericKubernetesResources(SandboxApi.V1BETA1.context()).inNamespace(namespace);
        java.util.Set<String> taken = new java.util.HashSet<>();
        claims.list().getItems().forEach(c -> Cluster.claimedSandbox(c).ifPresent(taken::add));
        GenericKubernetesResource sandbox = sandboxes.withLabel("agents.x-k8s.io/pool", pool).list().getItems()
                .stream().filter(s -> !taken.contains(s.getMetadata().getName())).findFirst()
                .orElseThrow(() -> new AssertionError("the double's warm pool " + pool + " has no ready sandbox"));
        String name = sandbox.getMetadata().getName();
        Map<String, Object> podTemplate = new LinkedHashMap<>((Map<String, Object>)
                ((Map<String, Object>) sandbox.getAdditionalProperties().get("spec")).get("podTemplate"));
        Map<String, String> merged = new LinkedHashMap<>((Map<String, String>)
                ((Map<String, Object>) podTemplate.get("metadata")).get("labels"));
        merged.putAll(labels);
        podTemplate.put("metadata", Map.of("labels", merged, "annotations", metadata.get("annotations")));
        sandboxes.withName(name).edit(s -> {
            ((Map<String, Object>) s.getAdditionalProperties().get("spec")).put("podTemplate", podTemplate);
            return s;
        });
        client.pods().inNamespace(namespace).withName(name).edit(p -> {
            p.getMetadata().getLabels().putAll(labels);
            return p;
        });
        claims.withName(claimName).edit(c -> {
            c.setAdditionalProperty("status", Map.of("sandbox", Map.of("name", name)));
            return c;
        });
        return name;
    }

    /** @param name a RuntimeClass to add (as gVisor's installation would) */
    void addRuntimeClass(String name) {
        client.runtimeClasses().resource(new RuntimeClassBuilder().withNewMetadata().withName(name).endMetadata()
                .withHandler("runsc").build()).create();
    }

    /** Plays the kubelet: the named Pod runs and its containers are ready. */
    void runPod(String namespace, String name) {
        Pod pod = client.pods().inNamespace(namespace).withName(name).get();
        pod.setStatus(new PodStatusBuilder().withPhase("Running").withContainerStatuses(pod.getSpec().getContainers()
                .stream().map(c -> new ContainerStatusBuilder().withName(c.getName()).withReady(true).build()).toList())
                .build());
        client.pods().inNamespace(namespace).resource(pod).updateStatus();
    }

    /** Plays the agent-sandbox controller: makes the Sandbox's Pod (read in that version) from its pod template. */
    @SuppressWarnings("unchecked")
    Pod actAsSandboxController(SandboxApi api, String namespace, String sandboxName) {
        GenericKubernetesResource sandbox = client.genericKubernetesResources(api.context()).inNamespace(namespace)
                .withName(sandboxName).get();
        Map<String, Object> spec = (Map<String, Object>) sandbox.getAdditionalProperties().get("spec");
        Map<String, Object> template = (Map<String, Object>) spec.get("podTemplate");
        Map<String, String> labels = (Map<String, String>) ((Map<String, Object>) template.get("metadata")).get("labels");
        Pod pod = new Pod();
        pod.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(sandboxName)
                .withNamespace(namespace).withLabels(labels).build());
        pod.setSpec(client.getKubernetesSerialization().convertValue(template.get("spec"), PodSpec.class));
        // as the controller does: a volume per volume claim template, on the claim it makes for this Sandbox
        Object claimTemplates = spec.get("volumeClaimTemplates");
        if (claimTemplates instanceof List<?> list) {
            for (Object t : list) {
                String volume = (String) ((Map<String, Object>) ((Map<String, Object>) t).get("metadata")).get("name");
                pod.getSpec().getVolumes().add(new io.fabric8.kubernetes.api.model.VolumeBuilder().withName(volume)
                        .withNewPersistentVolumeClaim().withClaimName(volume + "-" + sandboxName)
                        .endPersistentVolumeClaim().build());
            }
        }
        client.pods().inNamespace(namespace).resource(pod).create();
        runPod(namespace, sandboxName);
        return pod;
    }

    private MockResponse exec(RecordedRequest request) {
        String path = request.getPath();
        String[] parts = path.substring(0, path.indexOf('?')).split("/");
        String pod = parts[parts.length - 2];
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String pair : path.substring(path.indexOf('?') + 1).split("&")) {
            int eq = pair.indexOf('=');
            query.computeIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        List<String> command = query.getOrDefault("command", List.of());
        String container = query.getOrDefault("container", List.of("")).get(0);
        return new MockResponse().setHeader("Sec-WebSocket-Protocol", "v4.channel.k8s.io")
                .withWebSocketUpgrade(liveContainers.contains(container) ? new LiveProcess(pod, container, command)
                        : new Stdin(pod, container, command));
    }

    /** An exec in a container the double runs for real: the command is a process of this host. */
    private final class LiveProcess extends WebSocketListener {
        private final String pod;
        private final String container;
        private final List<String> command;
        private Process process;

        LiveProcess(String pod, String container, List<String> command) {
            this.pod = pod;
            this.container = container;
            this.command = command;
        }

        @Override
        public synchronized void onOpen(WebSocket ws, io.fabric8.mockwebserver.http.Response response) {
            execs.add(new Exec(pod, container, command, command, Map.of(), Optional.empty(), new byte[0]));
            ProcessBuilder builder = new ProcessBuilder(command);
            // a container's environment: nothing of this test JVM's
            builder.environment().keySet().retainAll(List.of("PATH", "HOME", "LANG", "TMPDIR"));
            try {
                process = builder.start();
            } catch (java.io.IOException e) {
                ws.send(channel(2, ("exec failed: " + e.getMessage()).getBytes(StandardCharsets.UTF_8)));
                ws.send(new StatusStreamMessage(127).getBytes());
                ws.close(1000, "done");
                return;
            }
            processes.add(process);
            Process p = process;
            Thread out = pump(p.getInputStream(), 1, ws);
            Thread err = pump(p.getErrorStream(), 2, ws);
            new Thread(() -> {
                try {
                    int code = p.waitFor();
                    out.join();
                    err.join();
                    ws.send(new StatusStreamMessage(code).getBytes());
                    ws.close(1000, "done");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "double-exec-exit").start();
        }

        private Thread pump(java.io.InputStream from, int channel, WebSocket ws) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[65536];
                try {
                    int n;
                    while ((n = from.read(buffer)) >= 0) {
                        ws.send(channel(channel, java.util.Arrays.copyOf(buffer, n)));
                    }
                } catch (java.io.IOException e) {
                    // the process ended
                }
            }, "double-exec-" + channel);
            t.start();
            return t;
        }

        @Override
        public void onMessage(WebSocket ws, io.fabric8.mockwebserver.http.ByteString bytes) {
            onMessage(ws, bytes.toByteArray());
        }

        @Override
        public synchronized void onMessage(WebSocket ws, byte[] bytes) {
            if (process != null && bytes.length > 0 && bytes[0] == 0) {
                try {
                    process.getOutputStream().write(bytes, 1, bytes.length - 1);
                    process.getOutputStream().flush();
                } catch (java.io.IOException e) {
                    // the process no longer reads
                }
            }
        }

        @Override
        public void onClosing(WebSocket ws, int code, String reason) {
            closeInput();
        }

        @Override
        public void onClosed(WebSocket ws, int code, String reason) {
            closeInput();
        }

        @Override
        public void onFailure(WebSocket ws, Throwable t, io.fabric8.mockwebserver.http.Response response) {
            closeInput();
        }

        /** What a kubelet does when the exec's stream ends: the process's standard input closes. */
        private synchronized void closeInput() {
            if (process != null) {
                try {
                    process.getOutputStream().close();
                } catch (java.io.IOException e) {
                    // already closed
                }
            }
        }
    }

    /** Collects the exec's standard input until its header and announced input are complete, then answers. */
    private final class Stdin extends WebSocketListener {
        private final String pod;
        private final String container;
        private final List<String> command;
        private final ByteArrayOutputStream in = new ByteArrayOutputStream();
        private boolean answered;

        Stdin(String pod, String container, List<String> command) {
            this.pod = pod;
            this.container = container;
            this.command = command;
        }

        @Override
        public void onOpen(WebSocket ws, io.fabric8.mockwebserver.http.Response response) {
            tryAnswer(ws);
        }

        @Override
        public void onMessage(WebSocket ws, io.fabric8.mockwebserver.http.ByteString bytes) {
            onMessage(ws, bytes.toByteArray());
        }

        @Override
        public synchronized void onMessage(WebSocket ws, byte[] bytes) {
            if (bytes.length > 0 && bytes[0] == 0) {
                in.write(bytes, 1, bytes.length - 1);
            }
            tryAnswer(ws);
        }

        private synchronized void tryAnswer(WebSocket ws) {
            if (answered) {
                return;
            }
            byte[] all = in.toByteArray();
            Map<String, String> env = new LinkedHashMap<>();
            Optional<String> workdir = Optional.empty();
            long length = -1;
            int at = 0;
            while (true) {
                int nl = indexOf(all, at);
                if (nl < 0) {
                    return; // the header is not complete yet
                }
                String line = new String(all, at, nl - at, StandardCharsets.UTF_8);
                at = nl + 1;
                if (line.equals(".")) {
                    break;
                } else if (line.startsWith("D ")) {
                    workdir = Optional.of(decode(line.substring(2)));
                } else if (line.startsWith("E ")) {
                    String[] kv = line.substring(2).split(" ", 2);
                    env.put(kv[0], decode(kv[1]));
                } else if (line.startsWith("I ")) {
                    length = Long.parseLong(line.substring(2));
                }
            }
            if (length >= 0 && all.length - at < length) {
                return; // the input is not complete yet
            }
            answered = true;
            byte[] stdin = java.util.Arrays.copyOfRange(all, at, length < 0 ? at : at + (int) length);
            List<String> argv = command.size() > 5 ? command.subList(5, command.size()) : command;
            Exec exec = new Exec(pod, container, command, List.copyOf(argv), env, workdir, stdin);
            execs.add(exec);
            Result r;
            try {
                r = programs.apply(exec);
            } catch (RuntimeException e) {
                r = new Result(1, new byte[0], ("the double's program failed: " + e).getBytes(StandardCharsets.UTF_8));
            }
            if (r == null) {
                return; // a program that never ends: the exec stays open until the client gives up
            }
            if (r.stdout().length > 0) {
                ws.send(channel(1, r.stdout()));
            }
            if (r.stderr().length > 0) {
                ws.send(channel(2, r.stderr()));
            }
            ws.send(new StatusStreamMessage(r.exitCode()).getBytes());
            ws.close(1000, "done");
        }
    }

    private static byte[] channel(int channel, byte[] data) {
        byte[] out = new byte[data.length + 1];
        out[0] = (byte) channel;
        System.arraycopy(data, 0, out, 1, data.length);
        return out;
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static String decode(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }

    /** @return the paths of every request the server received so far (drains its record) */
    List<String> requests() throws InterruptedException {
        List<String> paths = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(1, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
            paths.add(r.getMethod() + " " + r.getPath());
        }
        return paths;
    }

    @Override
    public void close() {
        watches.forEach(io.fabric8.kubernetes.client.Watch::close);
        processes.forEach(Process::destroyForcibly);
        client.close();
        server.destroy();
    }
}
