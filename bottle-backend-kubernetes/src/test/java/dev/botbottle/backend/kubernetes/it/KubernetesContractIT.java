package dev.botbottle.backend.kubernetes.it;

import dev.botbottle.backend.kubernetes.KubernetesBackendProvider;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.testkit.tck.BackendContract;
import org.junit.jupiter.api.Assumptions;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The backend TCK against a REAL Kubernetes cluster: the one {@code KUBECONFIG} names. Skipped, with the reason
 * printed, when {@code KUBECONFIG} is unset. The image ({@code -Dbot-bottle.k8s.image}, default
 * {@code bot-bottle/base:bookworm}) must be pullable by the cluster's nodes ({@code kind load docker-image ...}).
 * Options: {@code -Dbot-bottle.k8s.namespace}, {@code -Dbot-bottle.k8s.runtime-class}. Known to fail on a real
 * cluster (docs/kubernetes.md): the TCK's root execs and root-owned copies (this backend never runs as root) and
 * its isolation tests (they listen on the host; a Kubernetes bottle's gateway is a sidecar in its Pod).
 */
class KubernetesContractIT extends BackendContract {

    @Override
    protected BackendProvider provider() {
        return new KubernetesBackendProvider();
    }

    @Override
    protected ImageSpec image() {
        return ImageSpec.of(System.getProperty("bot-bottle.k8s.image", "bot-bottle/base:bookworm"));
    }

    @Override
    protected Map<String, String> options() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("kubernetes.namespace", System.getProperty("bot-bottle.k8s.namespace", "default"));
        String rc = System.getProperty("bot-bottle.k8s.runtime-class", "");
        if (!rc.isBlank()) {
            options.put("kubernetes.runtime-class", rc);
        }
        return options;
    }

    @Override
    protected void assumeReady() {
        String kubeconfig = System.getenv("KUBECONFIG");
        if (kubeconfig == null || kubeconfig.isBlank()) {
            String reason = "KUBECONFIG is not set: no real Kubernetes cluster to run the backend TCK against "
                    + "(KubernetesBackendDoubleTests cover the backend against fabric8's mock API server)";
            System.err.println("SKIPPED " + getClass().getSimpleName() + ": " + reason);
            Assumptions.abort(reason);
        }
    }

    @Override
    protected String slugPrefix() {
        return "tck-k8s";
    }
}
