package dev.botbottle.core.runtime;

import dev.botbottle.core.manifest.EnvValue;
import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plan.PlanJson;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.provision.ProvisionEngine;
import dev.botbottle.core.provision.ProvisionResult;
import dev.botbottle.core.state.BottleMetadata;
import dev.botbottle.core.state.DirectoryStateStore;
import dev.botbottle.core.state.StateStore;
import dev.botbottle.core.supervise.ProposalStore;
import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.Availability;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.PluginException;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.SupervisorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Launches planned bottles and manages them: stop, resume, teardown, cleanup.
 *
 * <p>A launch prepares the state directory, resolves credentials and env values (failing before anything is
 * created when one is missing), brings up the backend's isolation boundary, starts the gateway services where the
 * bottle reaches the host, creates and starts the bottle, then provisions it. A launch that fails midway removes
 * what it created. Gateway services live as long as this runtime holds the bottle; {@link #close()} stops the
 * gateways of every held bottle (the bottles keep running and can be resumed).
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
    private final CredentialSource credentials;
    private final EnvPrompter prompter;
    private final ProgressListener progress;
    private final Map<String, String> backendOptions;
    private final List<Path> extraCaFiles;
    private final Map<String, List<GatewayService>> held = new ConcurrentHashMap<>();
    private final LaunchSecrets secrets;
    private final Gateways gatewayStarter;
    private final Inventory inventory;
    /** The host's extra CA certificates for image builds; read once, when a backend first needs them. */
    private volatile Map<String, String> hostCa;
    private final Supervision supervision;
    private final DeployKeys deployKeys;

    private BottleRuntime(Builder b) {
        this.host = b.host;
        this.plugins = b.plugins != null ? b.plugins : Plugins.discover();
        this.state = b.state != null ? b.state : new DirectoryStateStore(host.botBottleHome());
        this.credentials = b.credentials != null ? b.credentials : CredentialSource.fromEnvironment(host.environment());
        this.prompter = b.prompter;
        this.progress = b.progress;
        this.backendOptions = Map.copyOf(b.backendOptions);
        List<Path> caFiles = new ArrayList<>();
        if (b.trustHostCaBundle && java.nio.file.Files.isReadable(HostTrust.SYSTEM_BUNDLE)) {
            // corporate and private CAs the host trusts (a self-hosted forge) are trusted upstream too
            caFiles.add(HostTrust.SYSTEM_BUNDLE);
        }
        caFiles.addAll(b.extraCaFiles);
        this.extraCaFiles = List.copyOf(caFiles);
        this.secrets = new LaunchSecrets(host, credentials, prompter);
        this.supervision = new Supervision(state, b.supervisor);
        this.gatewayStarter = new Gateways(plugins, state, extraCaFiles, progress, supervision::desk);
        this.inventory = new Inventory(plugins, state, context());
        this.deployKeys = new DeployKeys(plugins, state, progress);
    }

    /** @return a builder for the current host */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the state store this runtime uses */
    public StateStore state() {
        return state;
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
     * Launches a bottle and provisions it.
     *
     * @param plan the plan (from {@link dev.botbottle.core.plan.Planner})
     * @param options workspace, host CA trust, isolation
     * @return the running, provisioned bottle
     * @throws BottleException when anything fails; what was created is removed first
     */
    public RunningBottle launch(BottlePlan plan, LaunchOptions options) {
        String slug = plan.slug();
        BottleBackend backend = backend(plan.backend());
        plan.notices().forEach(n -> LOG.warn("bottle {}: {}", slug, n));
        // Everything that can fail without side effects comes first.
        Prepared agent = prepare(plan, true);
        if (state.readMetadata(slug).isPresent()) {
            throw new BottleException("bottle " + slug + " already has state in " + state.directory(slug)
                    + "; resume it with `bottle resume " + slug + "` or remove it with `bottle rm " + slug + "`");
        }

        BottleSpec spec = plan.toSpec(options.allowWeakIsolation());
        List<GatewayService> gateways = new ArrayList<>();
        boolean backendTouched = false;
        try {
            state.writePlan(slug, PlanJson.write(plan));
            state.writeMetadata(new BottleMetadata(slug, plan.agent(), plan.bottle(), plan.backend(), Instant.now(),
                    BottleMetadata.Status.CREATING, Map.of(), Map.of(), ProcessHandle.current().pid(), null));
            deployKeys.provision(slug, plan.remotes(), agent.credentials());
            progress.onProgress("network", "preparing " + plan.backend() + " isolation for " + slug);
            backendTouched = true;
            HostReach reach = backend.prepare(spec);
            state.writeMetadata(state.readMetadata(slug).orElseThrow().withReach(reach));
            supervision.open(plan);
            gateways.addAll(gatewayStarter.start(plan, reach, agent.credentials(), Map.of()));
            supervision.attach(slug, gateways, reach);
            progress.onProgress("bottle", "creating bottle " + slug + " from " + plan.image().reference());
            backend.create(spec, reach, Gateways.ports(gateways));
            Bottle bottle = backend.start(slug);

            progress.onProgress("provision", "provisioning " + slug);
            ProvisionResult result = new ProvisionEngine(progress).apply(bottle, Provisioning.launchSteps(plan, options,
                    gateways, reach, agent.provider(), agent.request(), bottle), spec.env());
            List<String> warnings = new ArrayList<>(plan.notices());
            warnings.addAll(result.warnings());
            return hold(plan, state.readMetadata(slug).orElseThrow(), bottle, result.env(), agent, gateways, reach,
                    warnings);
        } catch (RuntimeException e) {
            LOG.warn("launch of {} failed; removing what was created: {}", slug, e.getMessage());
            Gateways.closeAll(gateways, e);
            supervision.release(slug);
            Failures undo = new Failures();
            if (backendTouched) {
                undo.run("removing bottle " + slug + " from " + plan.backend(), () -> backend.teardown(slug));
            }
            boolean[] keysRevoked = {false};
            undo.run("deleting the deploy keys of bottle " + slug, () -> {
                deployKeys.revoke(slug, agent.credentials());
                keysRevoked[0] = true;
            });
            if (keysRevoked[0]) {
                undo.run("removing the state of bottle " + slug, () -> state.delete(slug));
            }
            undo.suppressInto(e);
            throw e;
        }
    }

    /**
     * Stops a bottle, keeping it and its state for {@link #resume}; stops its gateways if this runtime holds them.
     *
     * @param slug the bottle
     */
    public void stop(String slug) {
        BottleMetadata metadata = metadata(slug);
        backend(metadata.backend()).stop(slug);
        supervision.release(slug);
        Gateways.closeAll(release(slug), null);
        state.setPreserved(slug, true);
        state.writeMetadata(metadata.withStatus(BottleMetadata.Status.STOPPED));
    }

    /**
     * Resumes a stopped bottle on the backend recorded in its state, restarting its gateways on their previous
     * ports where they are free (on new ones otherwise, with the bottle's proxy settings updated). Env values are
     * resolved again (prompted ones are asked again).
     *
     * @param slug the bottle
     * @return the running bottle
     */
    public RunningBottle resume(String slug) {
        BottleMetadata metadata = metadata(slug);
        BottlePlan plan = supervision.open(plan(slug));
        BottleBackend backend = backend(metadata.backend());
        HostReach reach = metadata.reach();
        List<GatewayService> gateways = new ArrayList<>();
        try {
            Prepared agent = prepare(plan, false);
            if (reach == null) {
                throw new BottleException("bottle " + slug + " was never fully created; remove it with `bottle rm "
                        + slug + "`");
            }
            gateways.addAll(gatewayStarter.start(plan, reach, agent.credentials(), metadata.gatewayPorts()));
            supervision.attach(slug, gateways, reach);
            Bottle bottle = supervision.resume(backend, plan, Gateways.ports(gateways));
            ProvisionResult result = new ProvisionEngine(progress).apply(bottle,
                    Provisioning.resumeSteps(gateways, reach, agent.provider()), metadata.bottleEnv());
            Map<String, String> bottleEnv = new LinkedHashMap<>(metadata.bottleEnv());
            bottleEnv.putAll(result.env());
            return hold(plan, metadata, bottle, bottleEnv, agent, gateways, reach, result.warnings());
        } catch (RuntimeException e) {
            Gateways.closeAll(gateways, e);
            supervision.release(slug);
            throw e;
        }
    }

    /** The agent side of a launch or resume, resolved before anything is created or started. */
    private record Prepared(AgentProvider provider, AgentRequest request, CredentialSource credentials,
                            Map<String, String> secretEnv) {
    }

    /** @param checkAvailable whether an unavailable provider fails (a launch) or is left to fail later (a resume) */
    private Prepared prepare(BottlePlan plan, boolean checkAvailable) {
        AgentProvider provider = plugins.agents().get(plan.agentPlan().provider());
        Availability available = provider.availability();
        if (checkAvailable && !available.isAvailable()) {
            throw new PluginException("agent provider '" + provider.name() + "' cannot run on this host: "
                    + available.reason());
        }
        AgentRequest request = plan.agentPlan().request(plan.agent(), plan.slug(), host.userHome(), host.environment());
        return new Prepared(provider, request, secrets.credentials(plan, provider, request), secrets.env(plan));
    }

    /** Records the bottle as running and held here, and hands out its handle. */
    private RunningBottle hold(BottlePlan plan, BottleMetadata metadata, Bottle bottle, Map<String, String> bottleEnv,
                               Prepared agent, List<GatewayService> gateways, HostReach reach, List<String> warnings) {
        held.put(plan.slug(), List.copyOf(gateways));
        state.writeMetadata(metadata.withStatus(BottleMetadata.Status.RUNNING).withGateways(
                Gateways.portsByName(gateways), bottleEnv, ProcessHandle.current().pid()));
        return new RunningBottle(this, plan, bottle, Provisioning.execEnv(bottleEnv, agent.secretEnv(), gateways,
                reach), gateways, warnings, true);
    }

    /** @return the gateways this runtime held for the bottle, no longer held; empty when it held none */
    private List<GatewayService> release(String slug) {
        List<GatewayService> gateways = held.remove(slug);
        return gateways == null ? List.of() : gateways;
    }

    /**
     * Returns a handle on a bottle running elsewhere (another process holds its gateways). Host-variable env
     * values are read again from this host; prompted values are not available here.
     *
     * @param slug the bottle
     * @return a handle whose execs get the bottle's recorded environment; closing it leaves the bottle running
     */
    public RunningBottle attach(String slug) {
        BottleMetadata metadata = metadata(slug);
        BottlePlan plan = plan(slug);
        Bottle bottle = backend(metadata.backend()).attach(slug);
        Map<String, String> env = new LinkedHashMap<>(metadata.bottleEnv());
        plan.env().forEach((name, value) -> {
            if (value instanceof EnvValue.HostVariable h && host.environment().containsKey(h.name())) {
                env.put(name, host.environment().get(h.name()));
            }
        });
        env.putAll(supervision.bearerEnv(slug));
        return new RunningBottle(this, plan, bottle, env, held.getOrDefault(slug, List.of()), List.of(), false);
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
        Failures failures = new Failures();
        Optional<BottleMetadata> metadata = state.readMetadata(slug);
        List<String> backends = metadata.map(m -> List.of(m.backend())).orElseGet(() -> plugins.backends().all()
                .entrySet().stream().filter(e -> e.getValue().availability().isAvailable()).map(Map.Entry::getKey)
                .toList());
        for (String name : backends) {
            failures.run("teardown of bottle " + slug + " (" + name + " backend)", () -> backend(name).teardown(slug));
        }
        supervision.release(slug);
        for (GatewayService g : release(slug)) {
            failures.run("stopping the " + g.name() + " gateway of bottle " + slug, g::close);
        }
        boolean[] keysRevoked = {false};
        failures.run("deleting the deploy keys of bottle " + slug, () -> {
            deployKeys.revoke(slug, credentials);
            keysRevoked[0] = true;
        });
        // a key that could not be deleted keeps the state, so `bottle cleanup` tries again
        if (keysRevoked[0] && !keepState && !state.isPreserved(slug)) {
            failures.run("removing the state of bottle " + slug, () -> state.delete(slug));
        }
        failures.rethrow();
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

    /** @return every bottle found in state or on an available backend */
    public List<BottleStatus> list() {
        return inventory.list();
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

    /** Stops the gateways of every bottle this runtime holds; the bottles themselves are left as they are. */
    @Override
    public void close() {
        supervision.close();
        for (String slug : List.copyOf(held.keySet())) {
            Gateways.closeAll(release(slug), null);
        }
    }

    // ----------------------------------------------------------------------------------------------------------

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

    /** Chooses the host, plugins, state store, credentials and prompter of a runtime. */
    public static final class Builder {
        private HostEnvironment host = HostEnvironment.current();
        private Plugins plugins;
        private StateStore state;
        private CredentialSource credentials;
        private EnvPrompter prompter = EnvPrompter.NONE;
        private ProgressListener progress = ProgressListener.NONE;
        private final Map<String, String> backendOptions = new LinkedHashMap<>();
        private final List<Path> extraCaFiles = new ArrayList<>();
        private boolean trustHostCaBundle = true;
        private SupervisorHandler supervisor = SupervisorHandler.NONE;

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

        /** @param value where route credentials come from (default: the host environment) @return this builder */
        public Builder credentials(CredentialSource value) {
            this.credentials = value;
            return this;
        }

        /** @param value who answers {@code "?"} env values (default: nobody, which fails such launches) @return this builder */
        public Builder prompter(EnvPrompter value) {
            this.prompter = Objects.requireNonNull(value);
            return this;
        }

        /** @param value receives progress @return this builder */
        public Builder progress(ProgressListener value) {
            this.progress = Objects.requireNonNull(value);
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

        /** @return the runtime */
        public BottleRuntime build() {
            return new BottleRuntime(this);
        }
    }
}
