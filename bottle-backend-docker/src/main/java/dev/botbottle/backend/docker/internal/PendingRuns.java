package dev.botbottle.backend.docker.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Containers being started in the background, by slug: {@code prepare} starts a bottle's container behind a
 * firewall chain that admits nothing while the runtime starts the gateways (the two take about as long), {@code create}
 * opens the gateway ports and waits for it, {@code start} hands out the handle. Shared by every backend one provider
 * makes, so a teardown from any of them waits for a container still being made before it removes the bottle.
 */
public final class PendingRuns {

    private static final Logger LOG = LoggerFactory.getLogger(PendingRuns.class);

    /**
     * A container run under way or done.
     *
     * @param slug the bottle
     * @param weak whether it runs without the host firewall chain (weak isolation allowed and used)
     * @param image what it runs, once started
     */
    record Run(String slug, boolean weak, CompletableFuture<ImageInfo> image) {
        /** @return the image, rethrowing the run's failure as it was */
        ImageInfo await() {
            try {
                return image.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw e;
            }
        }
    }

    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "docker-backend-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    /** Starts {@code work} in the background and records it under the slug. */
    Run start(String slug, boolean weak, Supplier<ImageInfo> work) {
        Run run = new Run(slug, weak, CompletableFuture.supplyAsync(work, executor));
        runs.put(slug, run);
        return run;
    }

    /** Records a container started on the caller's thread. */
    void done(String slug, boolean weak, ImageInfo image) {
        runs.put(slug, new Run(slug, weak, CompletableFuture.completedFuture(image)));
    }

    /** @return the run of the slug, still recorded */
    Run get(String slug) {
        return runs.get(slug);
    }

    /** @return the run of the slug, no longer recorded */
    Run take(String slug) {
        return runs.remove(slug);
    }

    /** Waits for the slug's run, if any, and forgets it; its failure is only logged (the caller removes the bottle). */
    void settle(String slug) {
        Run run = runs.remove(slug);
        if (run != null) {
            try {
                run.await();
            } catch (RuntimeException e) {
                LOG.debug("the background start of bottle {} had failed: {}", slug, e.getMessage());
            }
        }
    }

    /** Runs side work of a teardown (network and firewall) next to the caller's. */
    <T> CompletableFuture<T> async(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, executor);
    }
}
