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

    /**
     * Waits until what the service began in the background at start (the egress gateway's warm-up: route leaves, TLS
     * handshakes, codecs) is done, so the bottle's first request pays nothing a later one does not. The runtime calls
     * it after provisioning, before it hands the bottle out; the work overlaps the bottle's creation. Never needed for
     * correctness. The default has nothing to wait for.
     *
     * @param timeout how long to wait at most
     * @return whether the service is ready (false when the time ran out; the bottle is handed out anyway)
     * @throws InterruptedException when the waiting thread is interrupted
     * @since 0.3
     */
    default boolean awaitReady(java.time.Duration timeout) throws InterruptedException {
        return true;
    }

    /** Stops listening and releases everything; idempotent. */
    @Override
    void close();
}
