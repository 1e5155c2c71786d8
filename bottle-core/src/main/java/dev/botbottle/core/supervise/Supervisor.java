package dev.botbottle.core.supervise;

import dev.botbottle.core.state.StateStore;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.ProposalDesk;
import dev.botbottle.spi.SupervisorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runtime's supervise engine for the bottles one process holds: one {@link ProposalDesk} per bottle, the host's
 * {@link SupervisorHandler} called on threads this class owns, and a watcher that applies answers other processes
 * ({@code bottle supervise}) write into a bottle's state. Approvals are applied by the holder only: a route at once
 * to the bottle's running egress gateway (and into its saved plan, so {@code resume} keeps it), an image change
 * recorded for the next rebuild; every proposal, answer and change is audited.
 *
 * <p>Thread-safe. Closing it interrupts running handler calls and stops the watcher; proposals stay pending in
 * the state directories.
 *
 * @since 0.1
 */
public final class Supervisor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

    /** How many proposals one bottle may have pending at once. */
    public static final int MAX_PENDING = 16;

    private final StateStore state;
    private final ProposalStore store;
    private final SupervisorHandler handler;
    private final ExecutorService handlers;
    private final ScheduledExecutorService watcher;
    private final Map<String, BottleDesk> desks = new ConcurrentHashMap<>();

    /**
     * @param state where the bottles' state lives
     * @param handler decides proposals ({@link SupervisorHandler#NONE}: only {@code bottle supervise} does)
     * @param watchInterval how often the watcher looks for answers written by other processes
     */
    public Supervisor(StateStore state, SupervisorHandler handler, Duration watchInterval) {
        this.state = Objects.requireNonNull(state, "state");
        this.store = new ProposalStore(state);
        this.handler = Objects.requireNonNull(handler, "handler");
        this.handlers = Executors.newCachedThreadPool(threads("bottle-supervisor"));
        this.watcher = Executors.newSingleThreadScheduledExecutor(threads("bottle-supervise-watch"));
        long ms = Math.max(10, watchInterval.toMillis());
        watcher.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** @param state where the bottles' state lives @param handler decides proposals */
    public Supervisor(StateStore state, SupervisorHandler handler) {
        this(state, handler, Duration.ofMillis(250));
    }

    /** @return the store of proposals and answers this supervisor uses */
    public ProposalStore store() {
        return store;
    }

    /**
     * Opens the desk of a bottle this process now holds: answers recorded while no process held it are applied to
     * {@code routes} (and to the saved plan) first, and every still-pending proposal goes to the handler again.
     *
     * @param slug the bottle
     * @param routes its routes as planned (or saved)
     * @return the desk to hand its supervise server
     */
    public ProposalDesk open(String slug, List<EgressRoute> routes) {
        BottleDesk desk = new BottleDesk(slug, routes, state, store, handler, handlers);
        BottleDesk old = desks.put(slug, desk);
        if (old != null) {
            old.close();
        }
        desk.start();
        return desk;
    }

    /**
     * @param slug a bottle whose desk is open
     * @param egress its running egress gateway; approved routes are applied to it from now on
     */
    public void attach(String slug, EgressControl egress) {
        BottleDesk desk = desks.get(slug);
        if (desk != null) {
            desk.attach(egress);
        }
    }

    /** @param slug a bottle this process no longer holds; its desk closes, its proposals stay pending */
    public void release(String slug) {
        BottleDesk desk = desks.remove(slug);
        if (desk != null) {
            desk.close();
        }
    }

    @Override
    public void close() {
        List.copyOf(desks.keySet()).forEach(this::release);
        watcher.shutdownNow();
        handlers.shutdownNow();
        awaitQuietly(watcher);
        awaitQuietly(handlers);
    }

    /** Nothing this supervisor started writes into the state directory once {@link #close()} returned. */
    private static void awaitQuietly(ExecutorService pool) {
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("a supervise thread did not stop within 5 s of closing");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void poll() {
        for (BottleDesk desk : desks.values()) {
            try {
                desk.poll();
            } catch (RuntimeException e) {
                LOG.warn("applying supervise answers of bottle {} failed: {}", desk.slug(), e.getMessage());
            }
        }
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
