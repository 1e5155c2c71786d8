package dev.botbottle.egress;

import java.util.Objects;

/**
 * Tuning of the egress gateway that is not part of a bottle's plan.
 *
 * @param resolver how upstream hosts are resolved
 * @param workerThreads event-loop threads per gateway (at least 1)
 * @param maxRequestBodyBytes the largest request body the gateway buffers and scans whole; a longer one streams
 *        through (scanned with a bounded window, redacted keeping its length): there is no size cap
 * @param dnsPort where the bottle's DNS responder listens on the bind address (UDP and TCP): {@code 53}, what the
 *                engine's resolver forwards to; {@code 0} for an ephemeral port (tests); {@code -1} for none
 * @param limits resource bounds of each gateway
 * @param nativeEngines whether TLS runs on BoringSSL and sockets on epoll where their native libraries load
 *                      (the default; the JDK's TLS and NIO otherwise, with the reason in the log and
 *                      {@code bottle doctor}); {@code false} for the JDK's engines always
 * @since 0.1
 */
public record EgressOptions(UpstreamResolver resolver, int workerThreads, int maxRequestBodyBytes, int dnsPort,
                            EgressLimits limits, boolean nativeEngines) {

    public EgressOptions {
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(limits, "limits");
        if (workerThreads < 1) {
            throw new IllegalArgumentException("workerThreads must be at least 1, was " + workerThreads);
        }
        if (dnsPort < -1 || dnsPort > 65535) {
            throw new IllegalArgumentException("dnsPort must be -1 (none), 0 (ephemeral) or a port, was " + dnsPort);
        }
        if (maxRequestBodyBytes < 1024) {
            throw new IllegalArgumentException("maxRequestBodyBytes must be at least 1024, was " + maxRequestBodyBytes);
        }
    }

    /**
     * @param resolver how upstream hosts are resolved
     * @param workerThreads event-loop threads per gateway
     * @param maxRequestBodyBytes the largest request body buffered and scanned whole
     * @param dnsPort the DNS responder's port; -1 for none
     * @param limits resource bounds of each gateway
     */
    public EgressOptions(UpstreamResolver resolver, int workerThreads, int maxRequestBodyBytes, int dnsPort,
                         EgressLimits limits) {
        this(resolver, workerThreads, maxRequestBodyBytes, dnsPort, limits, true);
    }

    /**
     * @param resolver how upstream hosts are resolved
     * @param workerThreads event-loop threads per gateway
     * @param maxRequestBodyBytes the largest request body buffered and scanned whole
     * @param dnsPort the DNS responder's port; -1 for none
     */
    public EgressOptions(UpstreamResolver resolver, int workerThreads, int maxRequestBodyBytes, int dnsPort) {
        this(resolver, workerThreads, maxRequestBodyBytes, dnsPort, EgressLimits.defaults());
    }

    /**
     * @return the system resolver, two threads (at most the number of cores), request bodies up to 1 MiB buffered
     *         (longer ones stream), DNS on 53, {@link EgressLimits#defaults()}
     */
    public static EgressOptions defaults() {
        return new EgressOptions(UpstreamResolver.system(),
                Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())), 1024 * 1024, 53);
    }

    /** @param r the resolver @return a copy using {@code r} */
    public EgressOptions withResolver(UpstreamResolver r) {
        return new EgressOptions(r, workerThreads, maxRequestBodyBytes, dnsPort, limits, nativeEngines);
    }

    /** @param n the thread count @return a copy using {@code n} threads */
    public EgressOptions withWorkerThreads(int n) {
        return new EgressOptions(resolver, n, maxRequestBodyBytes, dnsPort, limits, nativeEngines);
    }

    /** @param port the DNS responder's port; -1 for none @return a copy using it @since 0.2 */
    public EgressOptions withDnsPort(int port) {
        return new EgressOptions(resolver, workerThreads, maxRequestBodyBytes, port, limits, nativeEngines);
    }

    /** @param l the bounds @return a copy using {@code l} @since 0.2 */
    public EgressOptions withLimits(EgressLimits l) {
        return new EgressOptions(resolver, workerThreads, maxRequestBodyBytes, dnsPort, l, nativeEngines);
    }

    /**
     * @param on whether to use BoringSSL and epoll where they load ({@code false}: the JDK's TLS and NIO)
     * @return a copy with that choice
     * @since 0.3
     */
    public EgressOptions withNativeEngines(boolean on) {
        return new EgressOptions(resolver, workerThreads, maxRequestBodyBytes, dnsPort, limits, on);
    }
}
