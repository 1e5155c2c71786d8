package dev.botbottle.spi;

/**
 * A host-side service a bottle reaches through its {@link HostReach}: the egress gateway, the git gate, the
 * supervise server. Found with {@link java.util.ServiceLoader}; the runtime starts one instance per bottle and
 * talks to it only through {@link GatewayService}, so a backend may also run it out of process.
 *
 * @since 0.1
 */
public interface GatewayServiceProvider {

    /** The egress gateway's name: the proxy every request of the bottle goes through. @since 0.2 */
    String EGRESS = "egress";
    /** The git gate's name: it serves the bottle's git remotes. @since 0.2 */
    String GIT_GATE = "gitgate";
    /** The supervise server's name: started only for bottles with {@code supervise: true}. @since 0.2 */
    String SUPERVISE = "supervise";

    /** @return the service's name, e.g. {@code egress}; lower case, stable */
    String name();

    /**
     * Starts the service for one bottle.
     *
     * @param request the bottle's gateway configuration, where to bind, its state directory and credentials
     * @return the running service
     * @throws BottleException when it cannot start (port taken, missing credential)
     */
    GatewayService start(GatewayRequest request);

    /**
     * Checks, for {@code bottle doctor}, what this service needs on this host (a port it must be able to bind).
     * Read-only; the default finds nothing to check.
     *
     * @return the findings
     * @since 0.2
     */
    default java.util.List<Diagnostic> diagnose() {
        return java.util.List.of();
    }
}
