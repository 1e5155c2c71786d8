package dev.botbottle.spi;

import java.util.List;

/**
 * Implemented by a {@link GatewayService} that records what its bottle asked of it (the git gate, the supervise
 * server; the egress gateway has its own richer {@link EgressControl#readAudit()}): every request it refused, and
 * every one it served that changes something (a push, a proposal). The runtime and {@code bottle doctor
 * --escape-test} read it through this interface, never by importing the service. Implementations are thread-safe
 * and also keep the entries as JSON lines in the bottle's state directory for the operator.
 *
 * @since 0.3
 */
public interface GatewayAudit {

    /**
     * @return the decisions recorded since this service started, oldest first (a bounded number of the latest
     *         ones; the state directory's file keeps more)
     */
    List<GatewayAuditEntry> auditEntries();
}
