package dev.botbottle.core.runtime;

import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.PlanJson;
import dev.botbottle.spi.BackendPlan;
import dev.botbottle.spi.BottleException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Bottles of one agent created and provisioned ahead, handed out by {@link BottleRuntime#launch(LaunchRequest)}.
 *
 * <pre>{@code
 * WarmPool pool = runtime.pool(LaunchRequest.of(manifest, "reviewer"), 3);  // fills in the background
 * pool.awaitFull(Duration.ofMinutes(2));
 * try (RunningBottle bottle = runtime.launch(LaunchRequest.builder(manifest, "reviewer").workspace(repo).build())) {
 *     bottle.runAgent("review the change", out, err);                       // a pooled bottle, bound to this task
 * }
 * }</pre>
 *
 * <p>A pooled bottle has everything of its agent's definition that does not belong to a task: its network and
 * firewall, its container, its gateway services with their ports, the gateway's CA in its trust store, the
 * provider's files and the supervise registration. It holds nothing of a task: its egress gateway has no routes and
 * no credentials (every request is refused), no workspace is copied in and no env value is resolved. A launch with
 * the same plan (ignoring the slug) and the same isolation and CA options claims one: the credentials and env values
 * are resolved then, the plan's routes are put in force, the workspace is copied in, and the bottle keeps the pooled
 * slug. A claimed bottle never returns to the pool; the pool makes another in the background. A launch that finds
 * the pool empty launches as usual.
 *
 * <p>Pooled bottles are held by this process like launched ones (crash cleanup removes them when it dies) and are
 * torn down when the pool or its runtime is closed. Bottles with git remotes cannot be pooled yet (their deploy keys
 * and gate are bound to one task). Thread-safe.
 *
 * @since 0.3
 */
public final class WarmPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WarmPool.class);

    private final String agent;
    private final int size;
    private final LaunchOptions options;
    /** The {@link #key} launches must match. */
    private final String shape;
    private final Supplier<BottlePlan> planner;
    private final Lifecycle lifecycle;
    private final Runnable onClose;
    private final ExecutorService filler;
    private final PoolDoor door;
    private final Deque<Lifecycle.Pooled> ready = new ArrayDeque<>();
    private int filling;
    private boolean closed;
    private String lastFailure;

    WarmPool(LaunchRequest request, int size, Supplier<BottlePlan> planner, Lifecycle lifecycle, Path home,
             Runnable onClose) {
        if (size < 1) {
            throw new IllegalArgumentException("a warm pool holds at least one bottle; got size " + size);
        }
        if (request.label().isPresent()) {
            throw new BottleException("a warm pool's bottles get their own slugs: leave the label out of its request");
        }
        this.agent = request.agent();
        this.size = size;
        this.options = request.options().withoutWorkspace();
        this.planner = planner;
        this.lifecycle = lifecycle;
        this.onClose = onClose;
        BottlePlan first = planner.get();
        if (!first.remotes().isEmpty()) {
            throw new BottleException("agent " + agent + " has git remotes, whose deploy keys and gate are bound to one"
                    + " task: it cannot be pooled yet; launch it without a pool");
        }
        this.shape = key(first, options);
        this.door = PoolDoor.open(home, agent, this::answer);
        this.filler = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bottle-pool-" + agent);
            t.setDaemon(true);
            return t;
        });
        refill();
    }

    /** @return the agent this pool's bottles are for */
    public String agent() {
        return agent;
    }

    /** @return how many bottles the pool keeps ready */
    public int size() {
        return size;
    }

    /** @return how many bottles are ready to be claimed now */
    public synchronized int available() {
        return ready.size();
    }

    /** @return the slugs of the bottles ready now */
    public synchronized List<String> slugs() {
        return ready.stream().map(p -> p.plan().slug()).toList();
    }

    /**
     * @return why the last attempt to make a bottle failed, when it did; the pool stops refilling after a failure
     *         and tries again at the next claim
     */
    public synchronized Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /**
     * Waits until the pool is full, an attempt to fill it failed, or the time is up.
     *
     * @param timeout how long to wait at most
     * @return whether the pool is full
     * @throws InterruptedException when interrupted while waiting
     */
    public synchronized boolean awaitFull(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!closed && ready.size() < size && (lastFailure == null || filling > 0)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return ready.size() >= size;
    }

    /** Tears down every bottle not claimed yet and stops refilling; bottles already claimed are not touched. */
    @Override
    public void close() {
        List<Lifecycle.Pooled> left;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            left = new ArrayList<>(ready);
            ready.clear();
            notifyAll();
        }
        door.close();
        filler.shutdown();
        try {
            // a bottle being made when the pool closes is torn down by its filler
            if (!filler.awaitTermination(5, TimeUnit.MINUTES)) {
                LOG.warn("warm pool of {}: a bottle still being made after 5 minutes is left to crash cleanup", agent);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Failures failures = new Failures();
        for (Lifecycle.Pooled p : left) {
            failures.run("removing pooled bottle " + p.plan().slug(), () -> lifecycle.discard(p, null));
        }
        onClose.run();
        failures.rethrow();
    }

    /** @return whether a launch of {@code plan} with {@code launchOptions} may take a bottle of this pool */
    boolean serves(BottlePlan plan, LaunchOptions launchOptions) {
        return plan.agent().equals(agent) && key(plan, launchOptions).equals(shape);
    }

    /** Answers another process on this home (see {@link PoolDoor}). */
    private String answer(String request) {
        if (request.equals("STATUS")) {
            return "POOL " + agent + " " + size + " " + available() + " " + ProcessHandle.current().pid();
        }
        if (request.startsWith("CLAIM ") && request.substring(6).strip().equals(shape)) {
            Optional<Lifecycle.Pooled> taken = take();
            if (taken.isPresent()) {
                lifecycle.handOver(taken.get());
                return "SLUG " + taken.get().plan().slug();
            }
        }
        return "NONE";
    }

    /** @return a ready bottle, no longer in the pool (a refill starts), or empty when none is ready */
    Optional<Lifecycle.Pooled> take() {
        Lifecycle.Pooled taken;
        synchronized (this) {
            taken = closed ? null : ready.pollFirst();
            lastFailure = null;
        }
        refill();
        return Optional.ofNullable(taken);
    }

    private void refill() {
        synchronized (this) {
            if (closed || lastFailure != null) {
                return;
            }
            while (ready.size() + filling < size) {
                filling++;
                filler.execute(this::fillOne);
            }
        }
    }

    private void fillOne() {
        Lifecycle.Pooled made = null;
        String failure = null;
        try {
            synchronized (this) {
                if (closed) {
                    return;
                }
            }
            BottlePlan plan = planner.get();
            if (!key(plan, options).equals(shape)) {
                throw new BottleException("the plan of agent " + agent + " changed since the pool started; restart"
                        + " the pool to pool the new one");
            }
            made = lifecycle.pool(plan, options);
        } catch (RuntimeException e) {
            failure = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.warn("warm pool of {}: could not make a bottle (the pool refills at the next claim): {}", agent,
                    failure);
        } finally {
            boolean discard;
            synchronized (this) {
                filling--;
                discard = closed && made != null;
                if (made != null && !closed) {
                    ready.addLast(made);
                }
                if (failure != null) {
                    lastFailure = failure;
                }
                notifyAll();
            }
            if (discard) {
                lifecycle.discard(made, null);
            }
        }
    }

    /**
     * @return what a launch must match to be served by a pool: the SHA-256 of the plan's {@link #shape} and of the
     *         isolation and CA options (hex)
     */
    static String key(BottlePlan plan, LaunchOptions launchOptions) {
        LaunchOptions o = launchOptions.withoutWorkspace();
        String text = shape(plan) + "\n" + o.trustHostCa() + " " + o.allowWeakIsolation();
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /**
     * @return the plan as JSON with its slug (wherever the planner or provider wrote it) replaced and the backend's
     *         description of its objects (named after the slug) left out: two plans of the same agent definition have
     *         the same shape
     */
    private static String shape(BottlePlan plan) {
        BottlePlan described = plan.toBuilder().backendPlan(new BackendPlan(plan.backend(), Map.of(),
                plan.backendPlan().warnings())).build();
        return PlanJson.write(described).replace(plan.slug(), "{slug}");
    }
}
