package dev.botbottle.egress;

import java.util.Objects;

/**
 * Tuning of the egress gateway that is not part of a bottle's plan.
 *
 * @param resolver how upstream hosts are resolved
 * @param workerThreads event-loop threads per gateway (at least 1)
 * @param maxRequestBodyBytes the largest request body the gateway buffers for scanning; larger requests get 413
 * @since 0.1
 */
public record EgressOptions(UpstreamResolver resolver, int workerThreads, int maxRequestBodyBytes) {

    public EgressOptions {
        Objects.requireNonNull(resolver, "resolver");
        if (workerThreads < 1) {
            throw new IllegalArgumentException("workerThreads must be at least 1, was " + workerThreads);
        }
        if (maxRequestBodyBytes < 1024) {
            throw new IllegalArgumentException("maxRequestBodyBytes must be at least 1024, was " + maxRequestBodyBytes);
        }
    }

    /** @return the system resolver, two threads (at most the number of cores), 32 MiB request bodies */
    public static EgressOptions defaults() {
        return new EgressOptions(UpstreamResolver.system(),
                Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())), 32 * 1024 * 1024);
    }

    /** @param r the resolver @return a copy using {@code r} */
    public EgressOptions withResolver(UpstreamResolver r) {
        return new EgressOptions(r, workerThreads, maxRequestBodyBytes);
    }

    /** @param n the thread count @return a copy using {@code n} threads */
    public EgressOptions withWorkerThreads(int n) {
        return new EgressOptions(resolver, n, maxRequestBodyBytes);
    }
}
