package dev.botbottle.backend.kubernetes.internal;

import dev.botbottle.backend.kubernetes.GatewaySidecar;
import dev.botbottle.spi.BackendException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The backend options ({@code BackendContext.options()}) the kubernetes backend reads, checked once.
 *
 * @param namespace where bottles are made ({@code kubernetes.namespace}); empty: the kubeconfig's, else {@code default}
 * @param runtimeClass the RuntimeClass every bottle Pod runs with ({@code kubernetes.runtime-class}, e.g.
 *                     {@code gvisor}); empty: the cluster's default runtime
 * @param workload {@code auto} (a Sandbox where the agent-sandbox CRD is installed, a Pod otherwise), {@code pod}
 *                 or {@code sandbox} ({@code kubernetes.workload})
 * @param agentHome where the agent's home is in the image, kept on a volume across stop and resume
 *                  ({@code kubernetes.agent-home}, default {@code /home/agent})
 * @param homeSize the size of that volume ({@code kubernetes.home-size}, default {@code 5Gi})
 * @param storageClass its StorageClass ({@code kubernetes.storage-class}); empty: the cluster's default
 * @param startTimeout how long a start waits for the Pod to be ready ({@code kubernetes.start-timeout}, seconds,
 *                     default 300)
 * @param gateway the default gateway sidecar ({@code kubernetes.gateway.image}, {@code .command} (words separated by
 *                spaces), {@code .config} (a host file put into its Secret as {@code start.json}),
 *                {@code .egress-ports} (default {@code 443,22}), {@code .egress-cidrs} (default the public internet));
 *                empty without an image
 * @param agentFirewallImage the image of the {@code agent-firewall} init container ({@code kubernetes.agent-firewall},
 *                           an image with {@code iptables} and {@code ip6tables}); empty: no such container
 * @param program where the runtime's gateway program is in the gateway image, for a sidecar the runtime drives
 * @param warmPool how many ready Sandboxes agent-sandbox keeps for bottles of one shape ({@code kubernetes.warm-pool});
 *                 0 (the default): none, each bottle is a Sandbox or Pod of its own
 */
public record Options(String namespace, Optional<String> runtimeClass, String workload, String agentHome,
                      String homeSize, Optional<String> storageClass, Duration startTimeout,
                      Optional<GatewaySidecar> gateway, Optional<String> agentFirewallImage, Program program,
                      int warmPool) {

    /**
     * The runtime's gateway program in the gateway image (ADR 18): a sidecar without configuration files runs
     * nothing of its own; the runtime starts the program in it through the exec subresource.
     *
     * @param java the image's {@code java} ({@code kubernetes.gateway.java}, default
     *             {@code /opt/bot-bottle/jre/bin/java}: where the Docker backend's gateway image has it)
     * @param classPath the program's class path in the image ({@code kubernetes.gateway.class-path}, default
     *                  {@code /opt/bot-bottle/lib/*})
     * @param root where the gateway container's own volume is mounted ({@code kubernetes.gateway.root}, default
     *             {@code /var/lib/bot-bottle}): the program's state, its key and CA files, its temporary files
     */
    public record Program(String java, String classPath, String root) {
    }

    /** Every option key this backend reads. */
    public static final List<String> KEYS = List.of("kubernetes.namespace", "kubernetes.runtime-class",
            "kubernetes.workload", "kubernetes.agent-home", "kubernetes.home-size", "kubernetes.storage-class",
            "kubernetes.start-timeout", "kubernetes.gateway.image", "kubernetes.gateway.command",
            "kubernetes.gateway.config", "kubernetes.gateway.egress-ports", "kubernetes.gateway.egress-cidrs",
            "kubernetes.agent-firewall", "kubernetes.kubectl", "kubernetes.gateway.java",
            "kubernetes.gateway.class-path", "kubernetes.gateway.root", "kubernetes.warm-pool");

    /**
     * @param options the backend options
     * @param defaultNamespace the kubeconfig's namespace, if any
     * @return the checked options
     * @throws BackendException naming the option and the fix
     */
    public static Options from(Map<String, String> options, Optional<String> defaultNamespace) {
        String namespace = value(options, "kubernetes.namespace").or(() -> defaultNamespace).orElse("default");
        String workload = value(options, "kubernetes.workload").orElse("auto");
        if (!List.of("auto", "pod", "sandbox").contains(workload)) {
            throw new BackendException("backend option kubernetes.workload=" + workload + " is not one of auto, pod, "
                    + "sandbox: set it to one of them (auto: a Sandbox where agent-sandbox is installed)");
        }
        String home = value(options, "kubernetes.agent-home").orElse("/home/agent");
        if (!home.startsWith("/") || home.equals("/")) {
            throw new BackendException("backend option kubernetes.agent-home=" + home + " must be an absolute path "
                    + "below / (the agent's home in the image, e.g. /home/agent)");
        }
        Duration timeout;
        try {
            timeout = Duration.ofSeconds(Long.parseLong(value(options, "kubernetes.start-timeout").orElse("300")));
        } catch (NumberFormatException e) {
            throw new BackendException("backend option kubernetes.start-timeout must be a number of seconds, e.g. 300");
        }
        int warmPool;
        try {
            warmPool = Integer.parseInt(value(options, "kubernetes.warm-pool").orElse("0"));
        } catch (NumberFormatException e) {
            warmPool = -1;
        }
        if (warmPool < 0 || warmPool > 100) {
            throw new BackendException("backend option kubernetes.warm-pool must be a number of Sandboxes from 0 to "
                    + "100, e.g. 2 (0: no warm pool)");
        }
        if (warmPool > 0 && workload.equals("pod")) {
            throw new BackendException("backend option kubernetes.warm-pool=" + warmPool + " needs agent-sandbox's "
                    + "Sandboxes, but kubernetes.workload=pod: set kubernetes.workload to auto or sandbox, or leave "
                    + "kubernetes.warm-pool out");
        }
        return new Options(namespace, value(options, "kubernetes.runtime-class"), workload, home,
                value(options, "kubernetes.home-size").orElse("5Gi"), value(options, "kubernetes.storage-class"),
                timeout, gateway(options), value(options, "kubernetes.agent-firewall"), program(options), warmPool);
    }

    private static Program program(Map<String, String> options) {
        String root = value(options, "kubernetes.gateway.root").orElse("/var/lib/bot-bottle");
        if (!root.startsWith("/") || root.equals("/")) {
            throw new BackendException("backend option kubernetes.gateway.root=" + root + " must be an absolute path "
                    + "below / (where the gateway container's volume is mounted, e.g. /var/lib/bot-bottle)");
        }
        return new Program(value(options, "kubernetes.gateway.java").orElse("/opt/bot-bottle/jre/bin/java"),
                value(options, "kubernetes.gateway.class-path").orElse("/opt/bot-bottle/lib/*"), root);
    }

    private static Optional<GatewaySidecar> gateway(Map<String, String> options) {
        Optional<String> image = value(options, "kubernetes.gateway.image");
        if (image.isEmpty()) {
            return Optional.empty();
        }
        List<String> command = value(options, "kubernetes.gateway.command")
                .map(c -> Arrays.asList(c.trim().split("\\s+"))).orElse(List.of());
        Map<String, byte[]> files = Map.of();
        Optional<String> config = value(options, "kubernetes.gateway.config");
        if (config.isPresent()) {
            try {
                files = Map.of("start.json", Files.readAllBytes(Path.of(config.get())));
            } catch (IOException e) {
                throw new BackendException("backend option kubernetes.gateway.config=" + config.get() + " names a file "
                        + "that cannot be read (" + e.getMessage() + "): point it at the gateway's configuration file");
            }
        }
        List<Integer> ports;
        try {
            ports = Arrays.stream(value(options, "kubernetes.gateway.egress-ports").orElse("443,22").split(","))
                    .map(String::trim).map(Integer::valueOf).toList();
        } catch (NumberFormatException e) {
            throw new BackendException("backend option kubernetes.gateway.egress-ports must be port numbers separated "
                    + "by commas, e.g. 443,22");
        }
        List<String> cidrs = value(options, "kubernetes.gateway.egress-cidrs")
                .map(c -> Arrays.stream(c.split(",")).map(String::trim).toList())
                .orElse(GatewaySidecar.PUBLIC_INTERNET);
        return Optional.of(new GatewaySidecar(image.get(), command, files, ports, cidrs));
    }

    private static Optional<String> value(Map<String, String> options, String key) {
        return Optional.ofNullable(options.get(key)).map(String::trim).filter(v -> !v.isEmpty());
    }
}
