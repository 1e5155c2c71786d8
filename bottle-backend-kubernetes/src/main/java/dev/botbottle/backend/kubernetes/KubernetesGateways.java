package dev.botbottle.backend.kubernetes;

/**
 * What the kubernetes backend offers beyond {@link dev.botbottle.spi.BottleBackend}: the gateway of a bottle as a
 * sidecar. An embedding application may hand a bottle's sidecar over before the runtime launches it; without one the
 * bottle gets the sidecar the backend options describe ({@code kubernetes.gateway.*}), or none (the bottle then
 * reaches nothing: its NetworkPolicy allows no egress at all). A sidecar without configuration files is driven by
 * the runtime, which runs its gateway program in it ({@link GatewaySidecar#runtimeDriven()}, ADR 18).
 *
 * <pre>{@code
 * if (backend instanceof KubernetesGateways k8s) {
 *     k8s.useGateway(slug, new GatewaySidecar(image, List.of(), Map.of(), List.of(443), GatewaySidecar.PUBLIC_INTERNET));
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
