package dev.botbottle.spi;

/**
 * A host-side service a bottle reaches through its {@link HostReach}: the egress gateway, the git gate, the
 * supervise server. Found with {@link java.util.ServiceLoader}; the runtime starts one instance per bottle and
 * talks to it only through {@link GatewayService}, so a backend may also run it out of process.
 *
 * @since 0.1
 */
public interface GatewayServiceProvider {

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
}
