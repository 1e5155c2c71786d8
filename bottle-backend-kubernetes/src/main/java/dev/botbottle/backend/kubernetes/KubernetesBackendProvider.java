package dev.botbottle.backend.kubernetes;

import dev.botbottle.backend.kubernetes.internal.KubernetesBottleBackend;
import dev.botbottle.backend.kubernetes.internal.Options;
import dev.botbottle.spi.Availability;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.BottleBackend;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@code kubernetes} backend: each bottle is a Pod in a namespace of the cluster the kubeconfig names (or an
 * agent-sandbox {@code Sandbox}, agents.x-k8s.io, where that CRD is installed), with the gateway as a sidecar
 * container the agent reaches on {@code 127.0.0.1}, a NetworkPolicy per bottle, and the agent's home on a
 * PersistentVolumeClaim so a stopped bottle keeps its files. Driven through the fabric8 Kubernetes client; exec and
 * copy go through the Pod's {@code exec} subresource.
 *
 * <p>Registered in {@code META-INF/services/dev.botbottle.spi.BackendProvider}. The cluster is found as
 * {@code kubectl} finds it ({@code KUBECONFIG}, {@code ~/.kube/config}, or the service account inside a cluster).
 * Options read from {@link BackendContext#options()}: {@code kubernetes.namespace}, {@code kubernetes.runtime-class}
 * (checked: the RuntimeClass must exist), {@code kubernetes.workload} ({@code auto}, {@code pod}, {@code sandbox}),
 * {@code kubernetes.agent-home}, {@code kubernetes.home-size}, {@code kubernetes.storage-class},
 * {@code kubernetes.start-timeout}, {@code kubernetes.kubectl}, {@code kubernetes.agent-firewall}, and the default
 * gateway sidecar's {@code kubernetes.gateway.image}, {@code .command}, {@code .config}, {@code .egress-ports},
 * {@code .egress-cidrs}; the module's README describes each. A runtime that knows this backend can give a bottle its
 * own sidecar through {@link KubernetesGateways}.
 *
 * <p>The agent never runs as root: every container runs as a non-root uid (the agent 1000) with no privilege
 * escalation and every capability dropped, so commands as another user and root-owned copies are refused.
 *
 * @since 0.3
 */
public final class KubernetesBackendProvider implements BackendProvider {

    private final Supplier<io.fabric8.kubernetes.client.KubernetesClient> clients;

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public KubernetesBackendProvider() {
        this(() -> new io.fabric8.kubernetes.client.KubernetesClientBuilder().build());
    }

    KubernetesBackendProvider(Supplier<io.fabric8.kubernetes.client.KubernetesClient> clients) {
        this.clients = clients;
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public Availability availability() {
        if (!configured()) {
            return Availability.unavailable("no Kubernetes cluster configured: KUBECONFIG is unset, ~/.kube/config "
                    + "does not exist and this is not a Pod (KUBERNETES_SERVICE_HOST unset); point KUBECONFIG at "
                    + "your cluster's kubeconfig (docs/kubernetes.md)");
        }
        try (var client = clients.get()) {
            var version = client.getKubernetesVersion();
            return version == null
                    ? Availability.unavailable("the Kubernetes API server at " + client.getMasterUrl()
                    + " answered without a version")
                    : Availability.ok();
        } catch (RuntimeException e) {
            return Availability.unavailable("the Kubernetes API server does not answer: " + rootCause(e)
                    + " (check KUBECONFIG, the current context and `kubectl version`)");
        }
    }

    private boolean configured() {
        if (System.getenv("KUBECONFIG") != null && !System.getenv("KUBECONFIG").isBlank()) {
            return true;
        }
        if (System.getenv("KUBERNETES_SERVICE_HOST") != null) {
            return true;
        }
        return Files.isRegularFile(Path.of(System.getProperty("user.home"), ".kube", "config"))
                || System.getProperty("kubernetes.master") != null;
    }

    @Override
    public BottleBackend create(BackendContext context) {
        var client = clients.get();
        try {
            Options options = Options.from(context.options(), Optional.ofNullable(client.getNamespace()));
            return new KubernetesBottleBackend(client, options, context.progress(),
                    context.options().getOrDefault("kubernetes.kubectl", "kubectl"));
        } catch (BackendException e) {
            client.close();
            throw e;
        }
    }

    /** The bottles' records as {@link ClusterStateRecords}: one ConfigMap per bottle in {@code kubernetes.namespace}. */
    @Override
    public Optional<dev.botbottle.spi.StateRecords> stateRecords(BackendContext context) {
        return Optional.of(ClusterStateRecords.connect(context.options()));
    }

    /** fabric8 wraps the cause ("An error has occurred."): the innermost message says what happened. */
    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return t == e ? message : e.getMessage() + " (" + message + ")";
    }
}
