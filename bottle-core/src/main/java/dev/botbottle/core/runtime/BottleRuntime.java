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
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.PluginException;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.SuperviseService;
import dev.botbottle.spi.SupervisorHandler;
import dev.botbottle.spi.support.HostTrust;
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
import java.util.Set;
import java.util.TreeSet;
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
    private final Supervision supervision;

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
        AgentProvider provider = plugins.agents().get(plan.agentPlan().provider());
        Availability available = provider.availability();
        if (!available.isAvailable()) {
            throw new PluginException("agent provider '" + provider.name() + "' cannot run on this host: "
                    + available.reason());
        }
        AgentRequest request = plan.agentPlan().request(plan.agent(), slug, host.userHome(), host.environment());
        plan.notices().forEach(n -> LOG.warn("bottle {}: {}", slug, n));

        // Everything that can fail without side effects comes first.
        CredentialSource creds = secrets.credentials(plan, provider, request);
        Map<String, String> secretEnv = secrets.env(plan);
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
                    "creating", Map.of(), Map.of(), ProcessHandle.current().pid(), null));
            progress.onProgress("network", "preparing " + plan.backend() + " isolation for " + slug);
            backendTouched = true;
            HostReach reach = backend.prepare(spec);
            state.writeMetadata(state.readMetadata(slug).orElseThrow().withReach(reach));
            supervision.open(plan);
            gateways.addAll(gatewayStarter.start(plan, reach, creds, Map.of()));
            supervision.attach(slug, gateways, reach);
            progress.onProgress("bottle", "creating bottle " + slug + " from " + plan.image().reference());
            backend.create(spec, reach, Gateways.ports(gateways));
            Bottle bottle = backend.start(slug);

            List<ProvisionStep> steps = new ArrayList<>();
            for (GatewayService g : gateways) {
                steps.addAll(g.bottleSteps(reach));
            }
            if (options.trustHostCa()) {
                HostTrust.system().files().forEach((file, pem) ->
                        steps.add(new ProvisionStep.TrustCertificate(file.replaceFirst("\\.crt$", ""), pem)));
            }
            steps.addAll(gitSteps(plan));
            options.workspace().ifPresent(dir -> steps.add(new ProvisionStep.CopyTree(dir, WORKSPACE, FileOwner.AGENT)));
            steps.addAll(provider.provisioningSteps(request, bottle));
            steps.addAll(Supervision.registration(provider, gateways, reach));
            progress.onProgress("provision", "provisioning " + slug);
            ProvisionResult result = new ProvisionEngine(progress).apply(bottle, steps, spec.env());

            Map<String, String> bottleEnv = new LinkedHashMap<>(result.env());
            state.writeMetadata(state.readMetadata(slug).orElseThrow().withStatus("running")
                    .withGateways(Gateways.portsByName(gateways), bottleEnv, ProcessHandle.current().pid()));
            held.put(slug, gateways);
            Map<String, String> execEnv = new LinkedHashMap<>(bottleEnv);
            execEnv.putAll(secretEnv);
            execEnv.putAll(superviseBearer(gateways, reach));
            List<String> warnings = new ArrayList<>(plan.notices());
            warnings.addAll(result.warnings());
            return new RunningBottle(this, plan, bottle, execEnv, gateways, warnings, true);
        } catch (RuntimeException e) {
            LOG.warn("launch of {} failed; removing what was created: {}", slug, e.getMessage());
            Gateways.closeAll(gateways, e);
            supervision.release(slug);
            if (backendTouched) {
                try {
                    backend.teardown(slug);
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            try {
                state.delete(slug);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
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
        List<GatewayService> gateways = held.remove(slug);
        if (gateways != null) {
            Gateways.closeAll(gateways, null);
        }
        state.setPreserved(slug, true);
        state.writeMetadata(metadata.withStatus("stopped"));
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
        AgentProvider provider = plugins.agents().get(plan.agentPlan().provider());
        AgentRequest request = plan.agentPlan().request(plan.agent(), slug, host.userHome(), host.environment());
        CredentialSource creds = secrets.credentials(plan, provider, request);
        Map<String, String> secretEnv = secrets.env(plan);
        HostReach reach = metadata.reach();
        if (reach == null) {
            throw new BottleException("bottle " + slug + " was never fully created; remove it with `bottle rm " + slug + "`");
        }
        List<GatewayService> gateways;
        try {
            gateways = gatewayStarter.start(plan, reach, creds, metadata.gatewayPorts());
        } catch (RuntimeException e) {
            supervision.release(slug);
            throw e;
        }
        supervision.attach(slug, gateways, reach);
        try {
            Bottle bottle = supervision.resume(backend, plan, Gateways.ports(gateways));
            // A gateway may have had to take a new port: apply the gateways' steps again (one exec) so the
            // bottle's proxy variables and trust store match what runs now.
            List<ProvisionStep> steps = new ArrayList<>();
            gateways.forEach(g -> steps.addAll(g.bottleSteps(reach)));
            steps.addAll(Supervision.registration(provider, gateways, reach)); // its URL and bearer are new
            ProvisionResult result = new ProvisionEngine(progress).apply(bottle, steps, metadata.bottleEnv());
            Map<String, String> bottleEnv = new LinkedHashMap<>(metadata.bottleEnv());
            bottleEnv.putAll(result.env());
            held.put(slug, gateways);
            state.writeMetadata(metadata.withStatus("running").withGateways(Gateways.portsByName(gateways),
                    bottleEnv, ProcessHandle.current().pid()));
            Map<String, String> execEnv = new LinkedHashMap<>(bottleEnv);
            execEnv.putAll(secretEnv);
            execEnv.putAll(superviseBearer(gateways, reach));
            return new RunningBottle(this, plan, bottle, execEnv, gateways, result.warnings(), true);
        } catch (RuntimeException e) {
            Gateways.closeAll(gateways, e);
            supervision.release(slug);
            throw e;
        }
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
     * one fails; a failure is logged with the bottle and the operation, and the first one is rethrown at the end.
     *
     * @param slug the bottle
     * @param keepState keep the state directory even when it is not marked preserved
     */
    public void teardown(String slug, boolean keepState) {
        List<RuntimeException> failures = new ArrayList<>();
        Optional<BottleMetadata> metadata = state.readMetadata(slug);
        String backendName = metadata.map(BottleMetadata::backend).orElse(null);
        List<String> backends = backendName != null ? List.of(backendName)
                : plugins.backends().all().entrySet().stream()
                        .filter(e -> e.getValue().availability().isAvailable()).map(Map.Entry::getKey).toList();
        for (String name : backends) {
            try {
                backend(name).teardown(slug);
            } catch (RuntimeException e) {
                LOG.error("teardown of bottle {} ({} backend) failed: {}", slug, name, e.getMessage());
                failures.add(e);
            }
        }
        supervision.release(slug);
        List<GatewayService> gateways = held.remove(slug);
        if (gateways != null) {
            for (GatewayService g : gateways) {
                try {
                    g.close();
                } catch (RuntimeException e) {
                    LOG.error("stopping the {} gateway of bottle {} failed: {}", g.name(), slug, e.getMessage());
                    failures.add(e);
                }
            }
        }
        if (!keepState && !state.isPreserved(slug)) {
            try {
                state.delete(slug);
            } catch (RuntimeException e) {
                LOG.error("removing the state of bottle {} failed: {}", slug, e.getMessage());
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    /**
     * Removes a bottle and its state (even when preserved).
     *
     * @param slug the bottle
     */
    public void teardown(String slug) {
        if (state.readMetadata(slug).isEmpty() && !state.slugs().contains(slug) && !engineSlugs().contains(slug)) {
            throw new BottleException("no bottle '" + slug + "' (no state in " + host.botBottleHome().resolve("state")
                    + " and no engine objects); `bottle ps` lists the bottles");
        }
        remove(slug);
    }

    /** Removes a bottle and its state; nothing happens for one that is already gone. */
    void remove(String slug) {
        if (state.isPreserved(slug)) {
            state.setPreserved(slug, false);
        }
        teardown(slug, false);
    }

    private Set<String> engineSlugs() {
        Set<String> slugs = new TreeSet<>();
        for (BackendProvider p : plugins.backends().all().values()) {
            if (p.availability().isAvailable()) {
                slugs.addAll(p.create(context()).list());
            }
        }
        return slugs;
    }

    /** @return every bottle found in state or on an available backend */
    public List<BottleStatus> list() {
        Set<String> engineSlugs = engineSlugs();
        Set<String> all = new TreeSet<>(engineSlugs);
        all.addAll(state.slugs());
        List<BottleStatus> out = new ArrayList<>();
        for (String slug : all) {
            Optional<BottleMetadata> m = state.readMetadata(slug);
            String status = m.isEmpty() ? "orphaned (no state)"
                    : !engineSlugs.contains(slug) ? "orphaned (no " + m.get().backend() + " objects)" : m.get().status();
            out.add(new BottleStatus(slug, m.map(BottleMetadata::agent), m.map(BottleMetadata::backend), status,
                    state.isPreserved(slug)));
        }
        return out;
    }

    /**
     * Removes every bottle object on every available backend and every state directory that is not preserved or
     * whose bottle objects are gone.
     *
     * @return the slugs removed
     */
    public List<String> cleanup() {
        List<String> removed = new ArrayList<>();
        List<RuntimeException> failures = new ArrayList<>();
        for (BottleStatus s : list()) {
            try {
                remove(s.slug());
                removed.add(s.slug());
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        return removed;
    }

    /** Stops the gateways of every bottle this runtime holds; the bottles themselves are left as they are. */
    @Override
    public void close() {
        supervision.close();
        for (String slug : List.copyOf(held.keySet())) {
            List<GatewayService> gateways = held.remove(slug);
            if (gateways != null) {
                Gateways.closeAll(gateways, null);
            }
        }
    }

    // ----------------------------------------------------------------------------------------------------------

    private BackendContext context() {
        return new BackendContext(host.botBottleHome(), progress, backendOptions);
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

    /** The supervise bearer, for CLIs that read it from the variable the endpoint names; never written to a file. */
    private static Map<String, String> superviseBearer(List<GatewayService> gateways, HostReach reach) {
        Map<String, String> env = new LinkedHashMap<>();
        for (GatewayService g : gateways) {
            if (g instanceof SuperviseService supervise) {
                var endpoint = supervise.endpoint(reach);
                env.put(endpoint.bearerEnvName(), endpoint.bearer().reveal());
            }
        }
        return env;
    }

    private static List<ProvisionStep> gitSteps(BottlePlan plan) {
        List<ProvisionStep> steps = new ArrayList<>();
        plan.identity().name().ifPresent(n -> steps.add(new ProvisionStep.RunCommand(
                List.of("git", "config", "--global", "user.name", n), FileOwner.AGENT, false, "git config user.name")));
        plan.identity().email().ifPresent(m -> steps.add(new ProvisionStep.RunCommand(
                List.of("git", "config", "--global", "user.email", m), FileOwner.AGENT, false, "git config user.email")));
        return steps;
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
