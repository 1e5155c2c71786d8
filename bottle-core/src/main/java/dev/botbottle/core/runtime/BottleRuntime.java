package dev.botbottle.core.runtime;

import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plan.PlanJson;
import dev.botbottle.core.plan.Planner;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.state.BottleMetadata;
import dev.botbottle.core.state.DirectoryStateStore;
import dev.botbottle.core.state.HostSession;
import dev.botbottle.core.state.StateStore;
import dev.botbottle.core.supervise.ProposalStore;
import dev.botbottle.spi.Availability;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.PluginException;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.SupervisorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Launches bottles and manages them: stop, resume, teardown, cleanup. The entry point of the embedding API.
 *
 * <pre>{@code
 * Manifest manifest = Manifest.load(manifestFolder);                   // bottles/*.md, agents/*.md (or built in code)
 * try (BottleRuntime runtime = BottleRuntime.builder()
 *         .home(stateFolder)                                           // where bottle state lives
 *         .credentials(CredentialSource.callback(ref -> vault.lookup(ref)))  // asked again on expiry and on 401
 *         .listener(new BottleListener() {
 *             @Override
 *             public void egress(String slug, EgressAuditEntry entry) {
 *                 decisions.add(entry.verdict() + " " + entry.host());
 *             }
 *         })
 *         .build();
 *      RunningBottle bottle = runtime.launch(LaunchRequest.builder(manifest, "reviewer").workspace(repo).build())) {
 *     ExecResult status = bottle.exec("git", "status", "--short");      // as the agent user, in its environment
 *     int exit = bottle.runAgent("list the files", output, output);     // the agent CLI, headless, in the workspace
 *     System.out.println(status.stdoutText() + exit + " " + decisions);
 * }                                                                    // closing the bottle tears it down
 * }</pre>
 *
 * <p>A launch prepares the state directory, resolves credentials and env values (failing before anything is
 * created when one is missing), brings up the backend's isolation boundary, starts the gateway services where the
 * bottle reaches the host, creates and starts the bottle, then provisions it. A launch that fails midway removes
 * what it created. Gateway services live as long as this runtime holds the bottle.
 *
 * <p>Crash safety: every bottle's state names the process holding it, and every engine object the session that made
 * it. When a runtime starts, it removes the bottles whose holder died without letting go and that are not preserved
 * ({@link #reap()}); while it holds bottles, a small watchdog process outlives this JVM and does the same the moment
 * the JVM dies, even by SIGKILL. {@link #stop} and {@link #close()} let go properly: what they leave is preserved
 * for {@link #resume}.
 *
 * <p>Thread-safe; operations on different slugs may run concurrently.
 *
 * @since 0.1
 */
public final class BottleRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BottleRuntime.class);

    /** Where {@link LaunchOptions#workspace()} is copied in the bottle. */
    public static final String WORKSPACE = "~/workspace";

    private final HostEnvironment host;
    private final Plugins plugins;
    private final StateStore state;
    private final ProgressListener progress;
    private final BottleListener listener;
    private final Map<String, String> backendOptions;
    private final Holdings held;
    private final Lifecycle lifecycle;
    private final Inventory inventory;
    /** The host's extra CA certificates for image builds; read once, when a backend first needs them. */
    private volatile Map<String, String> hostCa;
    private final Supervision supervision;
    private final DeployKeys deployKeys;
    private final Reaper reaper;
    private final boolean watchdog;
    private Watchdog.Registration watched;
    private final List<WarmPool> pools = new java.util.concurrent.CopyOnWriteArrayList<>();

    private BottleRuntime(Builder b) {
        this.host = b.host;
        this.plugins = b.plugins != null ? b.plugins : Plugins.discover();
        this.state = b.state != null ? b.state : new DirectoryStateStore(host.botBottleHome());
        CredentialSource credentials = b.credentials != null ? b.credentials
                : CredentialSource.fromEnvironment(host.environment());
        this.progress = b.progress;
        this.listener = b.listener;
        this.backendOptions = Map.copyOf(b.backendOptions);
        List<Path> caFiles = new ArrayList<>();
        if (b.trustHostCaBundle && java.nio.file.Files.isReadable(HostTrust.SYSTEM_BUNDLE)) {
            // corporate and private CAs the host trusts (a self-hosted forge) are trusted upstream too
            caFiles.add(HostTrust.SYSTEM_BUNDLE);
        }
        caFiles.addAll(b.extraCaFiles);
        this.held = new Holdings(listener);
        this.supervision = new Supervision(state, b.supervisor);
        Gateways gateways = new Gateways(plugins, state, List.copyOf(caFiles), progress, supervision::desk);
        this.deployKeys = new DeployKeys(plugins, state, progress);
        this.lifecycle = new Lifecycle(host, plugins, state, progress, listener,
                new LaunchSecrets(host, credentials, b.prompter), gateways, supervision, held, deployKeys,
                credentials, this::backend);
        this.inventory = new Inventory(plugins, state, context());
        this.reaper = new Reaper(state, listener);
        this.watchdog = b.watchdog;
        if (b.reapOnStart) {
            reap();
        }
    }

    /** @return a builder for the current host */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the state store this runtime uses */
    public StateStore state() {
        return state;
    }

    /** @return the host this runtime works for (its bot-bottle home, user home and environment) */
    public HostEnvironment host() {
        return host;
    }

    /**
     * @return the supervise proposals and answers of every bottle in this runtime's state (what {@code bottle
     *         supervise} lists and answers; an answer written here is applied by whichever process holds the bottle)
     */
    public ProposalStore proposals() {
        return supervision.store();
    }

    /**
     * @return a planner with this runtime's plugins, host and backend options, so what a preflight describes is what
     *         a launch of this runtime does
     * @since 0.2
     */
    public dev.botbottle.core.plan.Planner planner() {
        return new dev.botbottle.core.plan.Planner(plugins, host).withBackendOptions(backendOptions);
    }

    /** @return the plugins this runtime uses */
    public Plugins plugins() {
        return plugins;
    }

    /**
     * Plans a launch without changing anything (what {@code bottle plan} and a preflight show).
     *
     * @param request what to launch
     * @return the plan
     * @throws dev.botbottle.core.plan.PlanningException when the agent, a skill or an image is missing
     * @since 0.2
     */
    public BottlePlan plan(LaunchRequest request) {
        Planner planner = new Planner(plugins, host).withBackendOptions(backendOptions);
        if (request.defaultTemplate().isPresent()) {
            planner = planner.withDefaultTemplate(request.defaultTemplate().get());
        }
        return planner.plan(request.manifest(), request.agent(), request.backend(), request.label());
    }

    /**
     * Plans and launches a bottle and provisions it.
     *
     * @param request what to launch
     * @return the running, provisioned bottle; closing it tears the bottle down
     * @throws BottleException when anything fails; what was created is removed first
     * @since 0.2
     */
    public RunningBottle launch(LaunchRequest request) {
        BottlePlan plan = plan(request);
        if (request.label().isPresent()) {
            return launch(plan, request.options());
        }
        return claim(plan, request.options()).orElseGet(() -> launch(plan, request.options()));
    }

    /**
     * Claims a bottle from a warm pool that serves this plan (same agent definition, same isolation and CA options):
     * one of this runtime's pools, or the pool another process runs on the same bot-bottle home ({@code bottle pool
     * start}), whose bottle this runtime then holds. The bottle keeps its pooled slug, not the plan's.
     *
     * @param plan the launch's plan (its slug is not used)
     * @param options the launch's options; the workspace is copied in at the claim
     * @return the claimed bottle, bound to this launch, or empty when no running pool has one ready
     * @throws BottleException when the claim fails (the bottle is removed, never returned to its pool)
     * @since 0.3
     */
    public Optional<RunningBottle> claim(BottlePlan plan, LaunchOptions options) {
        for (WarmPool pool : pools) {
            if (pool.serves(plan, options)) {
                Optional<Lifecycle.Pooled> taken = pool.take();
                if (taken.isPresent()) {
                    return Optional.of(claim(taken.get(), options));
                }
            }
        }
        Optional<String> handed = PoolDoor.claim(host.botBottleHome(), plan.agent(), WarmPool.key(plan, options));
        if (handed.isEmpty()) {
            return Optional.empty();
        }
        String slug = handed.get();
        watch();
        return Optional.of(lifecycle.takeOver(metadata(slug), plan(slug), this, options.workspace()));
    }

    /**
     * @return the warm pools running on this runtime's home, in this process or others ({@code bottle pool ls})
     * @since 0.3
     */
    public List<PoolStatus> poolStatus() {
        return PoolDoor.list(host.botBottleHome()).stream()
                .map(s -> new PoolStatus(s.agent(), s.size(), s.available(), s.pid())).toList();
    }

    /**
     * Starts a warm pool: {@code size} bottles of the request's agent, created and provisioned ahead in the
     * background, handed out by {@link #launch(LaunchRequest)} to launches of the same plan. See {@link WarmPool}
     * for what a pooled bottle holds and what is bound when it is claimed.
     *
     * @param request the agent (and backend, isolation and CA options) to pool; its workspace is ignored and it must
     *                have no label
     * @param size how many bottles to keep ready (at least 1)
     * @return the pool; closing it (or this runtime) tears its unclaimed bottles down
     * @throws BottleException when the agent cannot be pooled (git remotes) or cannot be planned
     * @since 0.3
     */
    public WarmPool pool(LaunchRequest request, int size) {
        watch();
        WarmPool[] made = new WarmPool[1];
        made[0] = new WarmPool(request, size, () -> plan(request), lifecycle, host.botBottleHome(),
                () -> pools.remove(made[0]));
        pools.add(made[0]);
        return made[0];
    }

    /** @return the warm pools running in this runtime @since 0.3 */
    public List<WarmPool> pools() {
        return List.copyOf(pools);
    }

    /** Claims a pooled bottle for a launch whose plan has the pool's shape: the pooled bottle's own plan is used. */
    private RunningBottle claim(Lifecycle.Pooled pooled, LaunchOptions options) {
        BottlePlan plan = pooled.plan();
        Lifecycle.Prepared agent;
        try {
            agent = lifecycle.prepare(plan, true);
        } catch (RuntimeException e) {
            lifecycle.discard(pooled, e);
            throw e;
        }
        return lifecycle.claim(pooled, plan, options, agent, this);
    }

    /**
     * Launches a planned bottle and provisions it.
     *
     * @param plan the plan (from {@link #plan(LaunchRequest)} or a {@link Planner})
     * @param options workspace, host CA trust, isolation
     * @return the running, provisioned bottle; closing it tears the bottle down
     * @throws BottleException when anything fails; what was created is removed first
     */
    public RunningBottle launch(BottlePlan plan, LaunchOptions options) {
        watch();
        return lifecycle.launch(plan, options, this);
    }

    /**
     * Stops a bottle, keeping it and its state for {@link #resume}; stops its gateways if this runtime holds them.
     *
     * @param slug the bottle
     */
    public void stop(String slug) {
        lifecycle.stop(metadata(slug));
    }

    /**
     * Resumes a stopped bottle on the backend recorded in its state, restarting its gateways on their previous
     * ports where they are free (on new ones otherwise, with the bottle's proxy settings updated). Env values are
     * resolved again (prompted ones are asked again).
     *
     * @param slug the bottle
     * @return the running bottle; closing it tears the bottle down
     * @throws BottleException when a live process (this one or another) holds the bottle: one process at a time
     *                         holds a bottle's gateways, so stop it first ({@code bottle stop SLUG})
     */
    public RunningBottle resume(String slug) {
        BottleMetadata metadata = metadata(slug);
        Optional<HostSession> holder = metadata.holder().filter(HostSession::running);
        if (held.holds(slug) || holder.isPresent()) {
            String who = held.holds(slug) ? "this runtime" : holder.get().toString();
            throw new BottleException("bottle " + slug + " is held by " + who + ", which runs its gateways; one process"
                    + " at a time holds a bottle: stop it first (`bottle stop " + slug + "`), or use it as it is"
                    + " (`bottle exec " + slug + " -- CMD`)");
        }
        watch();
        return lifecycle.resume(metadata, plan(slug), this);
    }

    /**
     * Returns a handle on a bottle running elsewhere (another process holds its gateways). Host-variable env
     * values are read again from this host; prompted values are not available here.
     *
     * @param slug the bottle
     * @return a handle whose execs get the bottle's recorded environment; closing it leaves the bottle running
     */
    public RunningBottle attach(String slug) {
        return lifecycle.attach(metadata(slug), plan(slug), this);
    }

    /**
     * Removes a bottle: its engine objects, its gateways, and its state unless preserved. Every step runs even if
     * one fails; each failure is logged with the bottle and the operation, and the first is rethrown at the end with
     * the others suppressed in it.
     *
     * @param slug the bottle
     * @param keepState keep the state directory even when it is not marked preserved
     */
    public void teardown(String slug, boolean keepState) {
        lifecycle.teardown(slug, keepState);
    }

    /**
     * Removes a bottle and its state (even when preserved).
     *
     * @param slug the bottle
     */
    public void teardown(String slug) {
        if (state.readMetadata(slug).isEmpty() && !state.slugs().contains(slug)
                && !inventory.engineSlugs().contains(slug)) {
            throw new BottleException("no bottle '" + slug + "' (no state in " + host.botBottleHome().resolve("state")
                    + " and no engine objects); `bottle ps` lists the bottles");
        }
        remove(slug);
    }

    /** @return the deploy keys registered and not deleted yet, of every bottle with state */
    public List<PendingDeployKey> pendingDeployKeys() {
        return deployKeys.pending();
    }

    /** Removes a bottle and its state; nothing happens for one that is already gone. */
    void remove(String slug) {
        if (state.isPreserved(slug)) {
            state.setPreserved(slug, false);
        }
        teardown(slug, false);
    }

    /** @return every bottle found in state or on an available backend, with what the engines report now */
    public List<BottleStatus> list() {
        return inventory.list();
    }

    /**
     * @param slug a bottle
     * @return what is recorded of it and what is true now (engine state, whether its gateways run), or empty when
     *         neither state nor an engine knows it
     * @since 0.2
     */
    public Optional<BottleStatus> status(String slug) {
        return inventory.status(slug);
    }

    /**
     * Removes every bottle object on every available backend and every state directory that is not preserved or
     * whose bottle objects are gone. Every bottle is tried; the failures are rethrown together at the end.
     *
     * @return the slugs removed
     */
    public List<String> cleanup() {
        return inventory.cleanup(this::remove);
    }

    /**
     * Removes the bottles whose holder process died without letting go (killed, crashed) and that are not preserved:
     * their engine objects, firewall chains and state. Runs when a runtime is built (unless
     * {@link Builder#reapOnStart(boolean) turned off}) and in the watchdog when a host JVM dies. A bottle that cannot
     * be removed now (its engine is down) is logged and left for the next time.
     *
     * @return the slugs removed
     * @since 0.2
     */
    public List<String> reap() {
        return reaper.reap(this::remove);
    }

    /**
     * Tears down the warm pools' unclaimed bottles, then lets go of every bottle this runtime holds: stops their
     * gateways and records them as preserved and held by nobody, so they can be resumed (by this or another process)
     * and are not taken for a crash's leftovers. The bottles themselves are left as they are. Handles of bottles
     * launched here are not closed: close those first to tear them down.
     */
    @Override
    public void close() {
        Failures failures = new Failures();
        for (WarmPool pool : List.copyOf(pools)) {
            failures.run("closing the warm pool of " + pool.agent(), pool::close);
        }
        supervision.close();
        for (String slug : held.slugs()) {
            lifecycle.release(slug);
        }
        synchronized (this) {
            if (watched != null) {
                watched.close();
                watched = null;
            }
        }
        failures.rethrow();
    }

    // ----------------------------------------------------------------------------------------------------------

    /** Registers this runtime's home with the JVM's watchdog before it first holds a bottle. */
    private synchronized void watch() {
        if (watchdog && watched == null) {
            watched = Watchdog.jvm().watch(host, backendOptions);
        }
    }

    private BackendContext context() {
        if (hostCa == null) {
            hostCa = HostTrust.system().files();
        }
        return new BackendContext(host.botBottleHome(), progress, backendOptions, hostCa);
    }

    private BottleBackend backend(String name) {
        BackendProvider provider = plugins.backends().get(name);
        Availability availability = provider.availability();
        if (!availability.isAvailable()) {
            throw new PluginException("backend '" + name + "' is not available: " + availability.reason());
        }
        return provider.create(context());
    }

    private BottleMetadata metadata(String slug) {
        return state.readMetadata(slug).orElseThrow(() -> new BottleException("no bottle '" + slug
                + "' (no state in " + host.botBottleHome().resolve("state") + "); `bottle ps` lists the bottles"));
    }

    private BottlePlan plan(String slug) {
        return PlanJson.read(state.readPlan(slug).orElseThrow(() -> new BottleException("bottle " + slug
                + " has no saved plan; remove it with `bottle rm " + slug + "`")));
    }

    /** Chooses the host, plugins, state store, credentials, listeners and crash cleanup of a runtime. */
    public static final class Builder {
        private HostEnvironment host = HostEnvironment.current();
        private Plugins plugins;
        private StateStore state;
        private CredentialSource credentials;
        private EnvPrompter prompter = EnvPrompter.NONE;
        private ProgressListener progress = ProgressListener.NONE;
        private BottleListener listener = BottleListener.NONE;
        private final Map<String, String> backendOptions = new LinkedHashMap<>();
        private final List<Path> extraCaFiles = new ArrayList<>();
        private boolean trustHostCaBundle = true;
        private SupervisorHandler supervisor = SupervisorHandler.NONE;
        private boolean reapOnStart = true;
        private boolean watchdog = true;

        private Builder() {
        }

        /**
         * @param value whether the egress gateway trusts the host's system CA bundle ({@code
         *              /etc/ssl/certs/ca-certificates.crt}) upstream besides the JDK's trust store (default true)
         * @return this builder
         * @since 0.2
         */
        public Builder trustHostCaBundle(boolean value) {
            this.trustHostCaBundle = value;
            return this;
        }

        /** @param value the host (home, environment) @return this builder */
        public Builder host(HostEnvironment value) {
            this.host = Objects.requireNonNull(value);
            return this;
        }

        /**
         * @param dir the bot-bottle home this runtime keeps bottle state in ({@code <dir>/state/<slug>/}), instead of
         *            {@code $BOT_BOTTLE_HOME} or {@code ~/.bot-bottle}; the rest of the host is kept
         * @return this builder
         * @since 0.2
         */
        public Builder home(Path dir) {
            this.host = new HostEnvironment(dir.toAbsolutePath(), host.userHome(), host.environment());
            return this;
        }

        /** @param value the plugins (default: discovered) @return this builder */
        public Builder plugins(Plugins value) {
            this.plugins = value;
            return this;
        }

        /** @param value where state lives (default: the state directory under the home) @return this builder */
        public Builder stateStore(StateStore value) {
            this.state = value;
            return this;
        }

        /**
         * @param value where route credentials come from (default: the host environment); asked at launch, and again
         *              by a running gateway before a value expires and after an upstream refused it (HTTP 401)
         * @return this builder
         */
        public Builder credentials(CredentialSource value) {
            this.credentials = value;
            return this;
        }

        /** @param value who answers {@code "?"} env values (default: nobody, which fails such launches) @return this builder */
        public Builder prompter(EnvPrompter value) {
            this.prompter = Objects.requireNonNull(value);
            return this;
        }

        /** @param value receives progress messages @return this builder */
        public Builder progress(ProgressListener value) {
            this.progress = Objects.requireNonNull(value);
            return this;
        }

        /**
         * @param value receives phase timings, egress decisions and crash cleanups (default: none)
         * @return this builder
         * @since 0.2
         */
        public Builder listener(BottleListener value) {
            this.listener = Objects.requireNonNull(value);
            return this;
        }

        /** @param key a backend option @param value its value @return this builder */
        public Builder backendOption(String key, String value) {
            backendOptions.put(key, value);
            return this;
        }

        /** @param file a host file of CA certificates upstream TLS should also trust @return this builder */
        public Builder extraCaFile(Path file) {
            extraCaFiles.add(file);
            return this;
        }

        /**
         * @param value decides what agents ask for through supervise, on the runtime's threads (default: nothing is
         *              decided here; proposals wait for {@code bottle supervise} or {@link #proposals()})
         * @return this builder
         */
        public Builder supervisor(SupervisorHandler value) {
            this.supervisor = Objects.requireNonNull(value);
            return this;
        }

        /**
         * @param value whether {@link #build()} removes the bottles dead processes left ({@link BottleRuntime#reap()};
         *              default true)
         * @return this builder
         * @since 0.2
         */
        public Builder reapOnStart(boolean value) {
            this.reapOnStart = value;
            return this;
        }

        /**
         * @param value whether a watchdog process removes this runtime's bottles when the JVM dies without closing
         *              them (default true; it needs bot-bottle on the JVM's class path, and is skipped with a log
         *              line otherwise)
         * @return this builder
         * @since 0.2
         */
        public Builder watchdog(boolean value) {
            this.watchdog = value;
            return this;
        }

        /** @return the runtime; bottles dead processes left are removed first unless turned off */
        public BottleRuntime build() {
            return new BottleRuntime(this);
        }
    }
}
