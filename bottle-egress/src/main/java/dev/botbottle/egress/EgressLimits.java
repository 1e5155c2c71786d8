package dev.botbottle.egress;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-gateway resource bounds, so one bottle cannot exhaust the host or starve another bottle's gateway in the
 * same JVM. Every bound refuses what exceeds it and audits the refusal.
 *
 * @param maxConnections open bottle connections at once (more are closed at accept)
 * @param maxHeaderBytes the largest request head (request line plus headers); larger gets 431
 * @param maxHeaderCount the most header fields in one request; more gets 431
 * @param headTimeout how long a request head may take to arrive (slow-loris); then the connection closes
 * @param idleTimeout how long a connection or tunnel may carry nothing in either direction; then it closes
 * @param maxQueuedRequests pipelined requests held while one is in flight; beyond it the gateway stops reading
 * @param maxAuditBytes the audit log's size before it is rotated
 * @param auditFilesKept rotated audit files kept besides the current one
 * @param maxCachedLeaves leaf certificates (and TLS contexts) cached; the least recently used go first
 * @since 0.2
 */
public record EgressLimits(int maxConnections, int maxHeaderBytes, int maxHeaderCount, Duration headTimeout,
                           Duration idleTimeout, int maxQueuedRequests, long maxAuditBytes, int auditFilesKept,
                           int maxCachedLeaves) {

    public EgressLimits {
        Objects.requireNonNull(headTimeout, "headTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        positive("maxConnections", maxConnections);
        positive("maxHeaderBytes", maxHeaderBytes);
        positive("maxHeaderCount", maxHeaderCount);
        positive("maxQueuedRequests", maxQueuedRequests);
        positive("maxCachedLeaves", maxCachedLeaves);
        positive("auditFilesKept", auditFilesKept);
        if (maxAuditBytes < 4096) {
            throw new IllegalArgumentException("maxAuditBytes must be at least 4096, was " + maxAuditBytes);
        }
        if (headTimeout.isNegative() || headTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("time-outs must be positive");
        }
    }

    private static void positive(String name, long v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, was " + v);
        }
    }

    /**
     * @return 256 connections, 64 KiB / 200 header fields, 30 s for a request head, 10 min idle, 16 queued
     *         requests, 64 MiB audit files (3 kept), 1,024 cached leaves
     */
    public static EgressLimits defaults() {
        return new EgressLimits(256, 64 * 1024, 200, Duration.ofSeconds(30), Duration.ofMinutes(10), 16,
                64L * 1024 * 1024, 3, 1024);
    }

    /** @param n connections @return a copy with {@code maxConnections = n} */
    public EgressLimits withMaxConnections(int n) {
        return new EgressLimits(n, maxHeaderBytes, maxHeaderCount, headTimeout, idleTimeout, maxQueuedRequests,
                maxAuditBytes, auditFilesKept, maxCachedLeaves);
    }

    /** @param d the time-out @return a copy with {@code headTimeout = d} */
    public EgressLimits withHeadTimeout(Duration d) {
        return new EgressLimits(maxConnections, maxHeaderBytes, maxHeaderCount, d, idleTimeout, maxQueuedRequests,
                maxAuditBytes, auditFilesKept, maxCachedLeaves);
    }

    /** @param d the time-out @return a copy with {@code idleTimeout = d} */
    public EgressLimits withIdleTimeout(Duration d) {
        return new EgressLimits(maxConnections, maxHeaderBytes, maxHeaderCount, headTimeout, d, maxQueuedRequests,
                maxAuditBytes, auditFilesKept, maxCachedLeaves);
    }

    /** @param bytes the size @param kept rotated files kept @return a copy with those audit bounds */
    public EgressLimits withAudit(long bytes, int kept) {
        return new EgressLimits(maxConnections, maxHeaderBytes, maxHeaderCount, headTimeout, idleTimeout,
                maxQueuedRequests, bytes, kept, maxCachedLeaves);
    }

    /** @param n leaves @return a copy with {@code maxCachedLeaves = n} */
    public EgressLimits withMaxCachedLeaves(int n) {
        return new EgressLimits(maxConnections, maxHeaderBytes, maxHeaderCount, headTimeout, idleTimeout,
                maxQueuedRequests, maxAuditBytes, auditFilesKept, n);
    }
}
