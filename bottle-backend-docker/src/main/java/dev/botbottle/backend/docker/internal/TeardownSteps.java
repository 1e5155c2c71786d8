package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.BackendException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Runs teardown steps: each failure is logged with the step, the others still run, the first is rethrown. */
final class TeardownSteps {

    private static final Logger LOG = LoggerFactory.getLogger(TeardownSteps.class);

    private final String slug;
    private RuntimeException first;

    TeardownSteps(String slug) {
        this.slug = slug;
    }

    void run(String step, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.error("teardown of bottle {}: could not {}: {}", slug, step, e.getMessage());
            if (first == null) {
                first = e instanceof BackendException ? e
                        : new BackendException("teardown of bottle '" + slug + "' could not " + step + ": " + e, e);
            }
        }
    }

    void finish() {
        if (first != null) {
            throw first;
        }
    }

    /** @return the result of side work, its failure rethrown as it was */
    static <T> T join(CompletableFuture<T> work) {
        try {
            return work.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }
}
