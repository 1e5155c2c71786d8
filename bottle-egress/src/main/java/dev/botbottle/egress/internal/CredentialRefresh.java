package dev.botbottle.egress.internal;

import dev.botbottle.spi.Credential;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Keeps a gateway's credentials fresh: asks the {@link CredentialSource} again {@link #LEAD} before a value's expiry,
 * and after an upstream refused a value (HTTP 401), then hands the new value to the gateway, which swaps its policy.
 * The source is only ever called on this class's own thread, never on an event loop.
 *
 * <p>Refusals are de-duplicated: while a refresh of a reference runs, further refusals wait for it; a refusal of a
 * value that is no longer current (it was rotated meanwhile) asks nothing. A source that answers nothing keeps the
 * old value in force (logged, never with the value); a value with an expiry is then asked for again after
 * {@link #RETRY}.
 */
public final class CredentialRefresh implements AutoCloseable {

    /** How long before its expiry a value is asked for again. */
    public static final Duration LEAD = Duration.ofSeconds(30);
    /** How long after a failed refresh of an expiring value the source is asked again. */
    public static final Duration RETRY = Duration.ofSeconds(15);

    private static final Logger LOG = LoggerFactory.getLogger(CredentialRefresh.class);

    private final String slug;
    private final CredentialSource source;
    private volatile BiConsumer<String, Secret> swap;
    private final Clock clock;
    private final Map<String, Credential> early = new ConcurrentHashMap<>();
    private final ScheduledExecutorService thread;
    private final Map<String, CompletableFuture<Void>> running = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> scheduled = new ConcurrentHashMap<>();

    /**
     * @param slug the bottle, for logs
     * @param source where values come from
     * @param clock the time expiries are compared with
     */
    public CredentialRefresh(String slug, CredentialSource source, Clock clock) {
        this.slug = slug;
        this.source = source;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "egress-credentials-" + slug);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @return a source for the gateway's policy: it answers as the real one does and schedules a refresh for every
     *         value that comes with an expiry
     */
    public CredentialSource tracking() {
        return new CredentialSource() {
            @Override
            public Optional<Secret> resolve(String reference) {
                Optional<Credential> c = source.credential(reference);
                c.ifPresent(credential -> schedule(reference, credential));
                return c.map(Credential::value);
            }

            @Override
            public Optional<Credential> credential(String reference) {
                Optional<Credential> c = source.credential(reference);
                c.ifPresent(credential -> schedule(reference, credential));
                return c;
            }

            @Override
            public void invalidate(String reference) {
                source.invalidate(reference);
            }
        };
    }

    /**
     * Starts refreshing: values resolved through {@link #tracking()} so far are scheduled now.
     *
     * @param inForce puts a new value in force (called on this class's thread)
     */
    public void start(BiConsumer<String, Secret> inForce) {
        this.swap = inForce;
        early.forEach(this::schedule);
        early.clear();
    }

    /**
     * An upstream refused {@code sent}, the value of {@code reference} a request carried.
     *
     * @param current the value in force now
     * @return completes once a new value is in force, or at once when {@code sent} is no longer current
     */
    public CompletableFuture<Void> refused(String reference, Secret sent, Secret current) {
        if (!sent.equals(current)) {
            return CompletableFuture.completedFuture(null);
        }
        LOG.info("egress gateway of bottle {}: the upstream refused credential {}; asking for a new value", slug,
                reference);
        return refresh(reference, false);
    }

    /**
     * @param expiring whether the value is expiring (a failed ask is then tried again after {@link #RETRY})
     * @return completes once the source was asked again and, if it answered, the new value is in force
     */
    CompletableFuture<Void> refresh(String reference, boolean expiring) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> asking = running.putIfAbsent(reference, mine);
        if (asking != null) {
            return asking; // one ask at a time per reference: the waiters of a 401 share it
        }
        // the entry is removed before the waiters learn, so one that is refused again starts a new ask
        Runnable done = () -> {
            running.remove(reference, mine);
            mine.complete(null);
        };
        try {
            thread.execute(() -> {
                try {
                    ask(reference, expiring);
                } finally {
                    done.run();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            done.run();
        }
        return mine;
    }

    private void ask(String reference, boolean expiring) {
        try {
            source.invalidate(reference);
            Optional<Credential> next = source.credential(reference).filter(c -> !c.value().isEmpty());
            if (next.isEmpty()) {
                LOG.warn("egress gateway of bottle {}: the credential source has no new value for {}; the old one"
                        + " stays in force", slug, reference);
                if (expiring) {
                    scheduleIn(reference, RETRY);
                }
                return;
            }
            swap.accept(reference, next.get().value());
            schedule(reference, next.get());
            LOG.info("egress gateway of bottle {}: credential {} refreshed{}", slug, reference,
                    next.get().expiresAt().map(t -> " (valid until " + t + ")").orElse(""));
        } catch (RuntimeException e) {
            LOG.warn("egress gateway of bottle {}: asking the credential source for {} failed: {}", slug, reference,
                    e.toString());
            if (expiring) {
                scheduleIn(reference, RETRY);
            }
        }
    }

    private void schedule(String reference, Credential credential) {
        if (swap == null) {
            early.put(reference, credential);
            return;
        }
        credential.expiresAt().ifPresent(at -> {
            Duration until = Duration.between(clock.instant(), at.minus(LEAD));
            scheduleIn(reference, until.isNegative() ? Duration.ZERO : until);
        });
    }

    private void scheduleIn(String reference, Duration delay) {
        if (thread.isShutdown()) {
            return;
        }
        ScheduledFuture<?> next = thread.schedule(() -> {
            scheduled.remove(reference);
            refresh(reference, true);
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
        ScheduledFuture<?> previous = scheduled.put(reference, next);
        if (previous != null) {
            previous.cancel(false);
        }
    }

    /** @return when the next refresh of {@code reference} is due, if one is scheduled */
    Optional<Instant> due(String reference) {
        ScheduledFuture<?> f = scheduled.get(reference);
        return f == null || f.isDone() ? Optional.empty()
                : Optional.of(clock.instant().plusMillis(f.getDelay(TimeUnit.MILLISECONDS)));
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
