package dev.botbottle.backend.kubernetes;

/**
 * What the kubernetes backend offers beyond {@link dev.botbottle.spi.BottleBackend}: the gateway of a bottle as a
 * sidecar. A runtime that knows this backend hands the sidecar over before {@code create}; without it the bottle
 * gets the sidecar the backend options describe ({@code kubernetes.gateway.*}), or none (the bottle then reaches
 * nothing: its NetworkPolicy allows no egress at all).
 *
 * <pre>{@code
 * if (backend instanceof KubernetesGateways k8s) {
 *     k8s.useGateway(slug, new GatewaySidecar(image, List.of(), Map.of("start.json", json), List.of(443), ...));
 * }
 * }</pre>
 *
 * @since 0.3
 */
public interface KubernetesGateways {

    /**
     * @param slug the bottle, before its {@code create}
     * @param sidecar its gateway
     */
    void useGateway(String slug, GatewaySidecar sidecar);
}
