package dev.botbottle.spi;

import java.util.List;
import java.util.function.Consumer;

/**
 * Run-time control of a bottle's egress gateway: the runtime (and through it the supervise approval flow) replaces
 * routes and reads the audit log through this interface, never by importing the gateway's implementation.
 *
 * <p>The {@link GatewayService} the {@code egress} {@link GatewayServiceProvider} returns implements it; callers
 * test with {@code instanceof}. Implementations are thread-safe.
 *
 * @since 0.1
 */
public interface EgressControl {

    /** @return the routes in force now */
    List<EgressRoute> routes();

    /**
     * Replaces every route at once. Requests decided after this call see only the new routes; tunnels and
     * connections already open are not dropped (their next request is decided against the new routes).
     *
     * @param routes the complete new route list
     * @throws CredentialException when a new route's {@code token_ref} cannot be resolved; the old routes stay
     * @throws IllegalArgumentException when the routes are invalid; the old routes stay
     */
    void replaceRoutes(List<EgressRoute> routes);

    /** @return every decision recorded so far, oldest first (read from the bottle's audit log) */
    List<EgressAuditEntry> readAudit();

    /**
     * Delivers every decision recorded from now on, in order, on the gateway's own threads; a listener must not
     * block. A listener that throws is logged and keeps receiving.
     *
     * @param listener receives each new decision
     * @return a subscription; closing it stops delivery
     */
    Subscription followAudit(Consumer<EgressAuditEntry> listener);

    /** Stops a {@link #followAudit} delivery. */
    interface Subscription extends AutoCloseable {
        /** Stops delivery; idempotent. */
        @Override
        void close();
    }
}
