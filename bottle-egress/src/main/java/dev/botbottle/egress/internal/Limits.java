package dev.botbottle.egress.internal;

import java.time.Duration;

/**
 * The resource bounds the gateway's handlers enforce (the embedder's {@code EgressLimits}, as this package sees
 * them; kept apart so the internals never depend on the public package).
 *
 * @param maxConnections open bottle connections at once
 * @param maxHeaderBytes the largest request head
 * @param maxHeaderCount the most header fields in one request
 * @param headTimeout how long a first request head may take
 * @param idleTimeout how long a connection may carry nothing
 * @param maxQueuedRequests pipelined requests held while one is in flight
 * @param maxCachedLeaves leaf certificates and TLS contexts cached
 */
public record Limits(int maxConnections, int maxHeaderBytes, int maxHeaderCount, Duration headTimeout,
                     Duration idleTimeout, int maxQueuedRequests, int maxCachedLeaves) {
}
