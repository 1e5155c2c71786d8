package dev.botbottle.spi;

import java.util.List;

/**
 * One running gateway service of one bottle.
 *
 * @since 0.1
 */
public interface GatewayService extends AutoCloseable {

    /** @return the provider's name */
    String name();

    /** @return the TCP port it listens on at {@link HostReach#bindAddress()} */
    int port();

    /**
     * @return every port the bottle must reach for this service: {@link #port()}, plus any others it listens on
     *         (the egress gateway's DNS responder adds 53 over UDP and TCP)
     * @since 0.2
     */
    default GatewayPorts ports() {
        return GatewayPorts.tcp(port());
    }

    /**
     * @param reach where the bottle reaches the host
     * @return what the bottle needs to use this service (a CA to trust, proxy variables, git config)
     */
    List<ProvisionStep> bottleSteps(HostReach reach);

    /** Stops listening and releases everything; idempotent. */
    @Override
    void close();
}
