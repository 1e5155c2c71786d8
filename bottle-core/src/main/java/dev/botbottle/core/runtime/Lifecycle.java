package dev.botbottle.core.runtime;

import dev.botbottle.core.manifest.EnvValue;
import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plan.PlanJson;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.provision.ProvisionEngine;
import dev.botbottle.core.provision.ProvisionResult;
import dev.botbottle.core.state.BottleMetadata;
import dev.botbottle.core.state.HostSession;
import dev.botbottle.core.state.StateStore;
import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.Availability;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.PluginException;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.ProvisionStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The steps of launch, resume, stop, attach, release and teardown, timed per {@link LaunchPhase}. The runtime checks
 * its arguments and holds the bottles; this class does the work.
 */
final class Lifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    private final HostEnvironment host;
    private final Plugins plugins;
    private final StateStore state;
    private final ProgressListener progress;
    private final BottleListener listener;
    private final LaunchSecrets secrets;
    private final Gateways gateways;
    private final Supervision supervision;
    private final Holdings held;
    private final DeployKeys deployKeys;
    /** The runtime's own source (a teardown's deploy-key deletes use it; a launch uses its resolved one). */
    private final CredentialSource credentials;
    private final Function<String, BottleBackend> backends;

    Lifecycle(HostEnvironment host, Plugins plugins, StateStore state, ProgressListener progress,
              BottleListener listener, LaunchSecrets secrets, Gateways gateways, Supervision supervision,
              Holdings held, DeployKeys deployKeys, CredentialSource credentials,
              Function<String, BottleBackend> backends) {
        this.host = host;
        this.plugins = plugins;
        this.state = state;
        this.progress = progress;
        this.listener = listener;
        this.secrets = secrets;
        this.gateways = gateways;
        this.supervision = supervision;
        this.held = held;
        this.deployKeys = deployKeys;
        this.credentials = credentials;
        this.backends = backends;
    }

    RunningBottle launch(BottlePlan plan, LaunchOptions options, BottleRuntime runtime) {
        long prepareStart = System.nanoTime();
        // Everything that can fail without side effects comes first.
        Prepared agent = prepare(plan, true);
        Built built = build(plan, options, agent, agent.credentials(), BottleMetadata.Status.CREATING, prepareStart);
        return hold(runtime, plan, state.readMetadata(plan.slug()).orElseThrow(), built.bottle(), built.env(), agent,
                built.services(), built.reach(), built.warnings(), options.workspace().isPresent());
    }

    /**
     * Creates and provisions a bottle for a warm pool: network, firewall, container, gateway services, CA and the
     * agent's files, but no task: its egress gateway starts with no routes and a credential source bound only at
     * {@link #claim}, its workspace is copied in at claim, and its env values are resolved at claim.
     */
    Pooled pool(BottlePlan plan, LaunchOptions options) {
        if (!plan.remotes().isEmpty()) {
            throw new BottleException("bottle " + plan.bottle() + " has git remotes, whose deploy keys and gate are"
                    + " bound to one task: it cannot be pooled yet; launch it without a pool");
        }
        long prepareStart = System.nanoTime();
        Prepared agent = prepare(plan, true, false);
        DeferredCredentials later = new DeferredCredentials();
        BottlePlan empty = plan.withRoutes(List.of());
        Built built = build(empty, options.withoutWorkspace(), agent, later, BottleMetadata.Status.POOLED,
                prepareStart);
        state.writeMetadata(state.readMetadata(plan.slug()).orElseThrow()
                .withGateways(Gateways.portsByName(built.services()), built.env(), HostSession.current()));
        return new Pooled(plan, options, built, later);
    }

    /**
     * Binds a pooled bottle to a task and hands it out: the credentials and env values resolved now, the plan's
     * routes put in force in its egress gateway, the workspace copied in. A failure tears the bottle down: a claimed
     * bottle never goes back to its pool.
     *
     * @param plan the launch's plan, with the pooled bottle's slug
     */
    RunningBottle claim(Pooled pooled, BottlePlan plan, LaunchOptions options, Prepared agent, BottleRuntime runtime) {
        String slug = plan.slug();
        long start = System.nanoTime();
        Built built = pooled.built();
        try {
            pooled.credentials().bind(agent.credentials());
            for (GatewayService g : built.services()) {
                if (g instanceof dev.botbottle.spi.EgressControl egress) {
                    egress.replaceRoutes(plan.routes());
                }
            }
            state.writePlan(slug, PlanJson.write(plan));
            Map<String, String> env = new LinkedHashMap<>(built.env());
            options.workspace().ifPresent(dir -> env.putAll(new ProvisionEngine(progress).apply(built.bottle(),
                    List.of(Provisioning.workspace(dir)), env).env()));
            RunningBottle running = hold(runtime, plan, state.readMetadata(slug).orElseThrow(), built.bottle(), env,
                    agent, built.services(), built.reach(), built.warnings(), options.workspace().isPresent());
            phaseDone(slug, LaunchPhase.CLAIM, start);
            return running;
        } catch (RuntimeException e) {
            LOG.warn("claim of pooled bottle {} failed; removing it: {}", slug, e.getMessage());
            discard(pooled, e);
            throw e;
        }
    }

    /** Removes a pooled bottle (not claimed, or whose claim failed): its gateways, engine objects and state. */
    void discard(Pooled pooled, RuntimeException into) {
        String slug = pooled.plan().slug();
        Gateways.closeAll(pooled.built().services(), into);
        Failures undo = new Failures();
        undo.run("removing pooled bottle " + slug, () -> teardown(slug, false));
        if (into != null) {
            undo.suppressInto(into);
        } else {
            undo.rethrow();
        }
    }

    /** What {@link #build} made: the started bottle, its gateways and the environment its provisioning set. */
    record Built(Bottle bottle, HostReach reach, List<GatewayService> services, Map<String, String> env,
                 List<String> warnings) {
    }

    /** A bottle of a warm pool: made for {@code plan} (routes not in force), with credentials bound at claim. */
    record Pooled(BottlePlan plan, LaunchOptions options, Built built, DeferredCredentials credentials) {
    }

    /**
     * The shared part of a launch and of filling a pool: state, deploy keys, network, gateways, bottle, provisioning.
     * What it made is removed when a step fails.
     */
    private Built build(BottlePlan plan, LaunchOptions options, Prepared agent, CredentialSource credentials,
                        BottleMetadata.Status status, long prepareStart) {
        String slug = plan.slug();
        BottleBackend backend = backends.apply(plan.backend());
        plan.notices().forEach(n -> LOG.warn("bottle {}: {}", slug, n));
        if (state.readMetadata(slug).isPresent()) {
            throw new BottleException("bottle " + slug + " already has state in " + state.directory(slug)
                    + "; resume it with `bottle resume " + slug + "` or remove it with `bottle rm " + slug + "`");
        }
        BottleSpec spec = labelled(plan.toSpec(options.allowWeakIsolation()));
        List<GatewayService> started = new ArrayList<>();
        boolean backendTouched = false;
        try {
            // the holder is recorded before anything is created: a crash from here on is found and cleaned up
            state.writeMetadata(new BottleMetadata(slug, plan.agent(), plan.bottle(), plan.backend(), Instant.now(),
                    status, Map.of(), Map.of(), Optional.of(HostSession.current()), null));
            state.writePlan(slug, PlanJson.write(plan));
            deployKeys.provision(slug, plan.remotes(), credentials);
            phaseDone(slug, LaunchPhase.PREPARE, prepareStart);

            progress.onProgress("network", "preparing " + plan.backend() + " isolation for " + slug);
            backendTouched = true;
            HostReach reach = timed(slug, LaunchPhase.NETWORK, () -> backend.prepare(spec));
            state.writeMetadata(state.readMetadata(slug).orElseThrow().withReach(reach));
            started.addAll(timed(slug, LaunchPhase.GATEWAYS, () -> {
                supervision.open(plan);
                List<GatewayService> services = gateways.start(plan, reach, credentials, Map.of(),
                        backend.gatewayRunner(spec, reach));
                supervision.attach(slug, services, reach);
                return services;
            }));
            progress.onProgress("bottle", "creating bottle " + slug + " from " + plan.image().reference());
            timed(slug, LaunchPhase.CREATE, () -> {
                backend.create(spec, reach, Gateways.ports(started));
                return null;
            });
            Bottle bottle = timed(slug, LaunchPhase.START, () -> backend.start(slug));

            progress.onProgress("provision", "provisioning " + slug);
            ProvisionResult result = timed(slug, LaunchPhase.PROVISION, () -> new ProvisionEngine(progress).apply(
                    bottle, Provisioning.launchSteps(plan, options, started, reach, agent.provider(), agent.request(),
                            bottle), spec.env()));
            List<String> warnings = new ArrayList<>(plan.notices());
            warnings.addAll(result.warnings());
            Gateways.awaitReady(slug, started);
            return new Built(bottle, reach, List.copyOf(started), result.env(), warnings);
        } catch (RuntimeException e) {
            LOG.warn("launch of {} failed; removing what was created: {}", slug, e.getMessage());
            Gateways.closeAll(started, e);
            supervision.release(slug);
            Failures undo = new Failures();
            if (backendTouched) {
                undo.run("removing bottle " + slug + " from " + plan.backend(), () -> backend.teardown(slug));
            }
            boolean[] keysRevoked = {false};
            undo.run("deleting the deploy keys of bottle " + slug, () -> {
                deployKeys.revoke(slug, credentials);
                keysRevoked[0] = true;
            });
            if (keysRevoked[0]) {
                undo.run("removing the state of bottle " + slug, () -> state.delete(slug));
            }
            undo.suppressInto(e);
            throw e;
        }
    }

    RunningBottle resume(BottleMetadata metadata, BottlePlan saved, BottleRuntime runtime) {
        return resume(metadata, saved, runtime, Optional.empty());
    }

    /**
     * Takes over a pooled bottle another process handed over ({@link #handOver}): a resume of the running bottle
     * with the task's credentials, its routes in force and its workspace copied in. A failure removes the bottle.
     */
    RunningBottle takeOver(BottleMetadata metadata, BottlePlan saved, BottleRuntime runtime,
                           Optional<Path> workspace) {
        long start = System.nanoTime();
        try {
            RunningBottle running = resume(metadata, saved, runtime, workspace);
            phaseDone(metadata.slug(), LaunchPhase.CLAIM, start);
            return running;
        } catch (RuntimeException e) {
            LOG.warn("taking over pooled bottle {} failed; removing it: {}", metadata.slug(), e.getMessage());
            Failures undo = new Failures();
            undo.run("removing pooled bottle " + metadata.slug(), () -> teardown(metadata.slug(), false));
            undo.suppressInto(e);
            throw e;
        }
    }

    /**
     * Lets go of a pooled bottle for another process to {@link #takeOver}: its gateways stop, its full plan (routes
     * included) is written, and it is recorded running, preserved and held by nobody until that process holds it.
     */
    void handOver(Pooled pooled) {
        String slug = pooled.plan().slug();
        supervision.release(slug);
        Gateways.closeAll(pooled.built().services(), null);
        state.writePlan(slug, PlanJson.write(pooled.plan()));
        state.setPreserved(slug, true);
        state.writeMetadata(state.readMetadata(slug).orElseThrow().withStatus(BottleMetadata.Status.RUNNING)
                .withHolder(Optional.empty()));
    }

    private RunningBottle resume(BottleMetadata metadata, BottlePlan saved, BottleRuntime runtime,
                                 Optional<Path> workspace) {
        String slug = metadata.slug();
        BottlePlan plan = supervision.open(saved);
        BottleBackend backend = backends.apply(metadata.backend());
        HostReach reach = metadata.reach();
        List<GatewayService> started = new ArrayList<>();
        try {
            Prepared agent = prepare(plan, false);
            if (reach == null) {
                throw new BottleException("bottle " + slug + " was never fully created; remove it with `bottle rm "
                        + slug + "`");
            }
            // this process holds it from now on (a crash during the resume is cleaned up like one during a launch)
            state.writeMetadata(metadata.withHolder(Optional.of(HostSession.current())));
            state.setPreserved(slug, false);
            started.addAll(timed(slug, LaunchPhase.GATEWAYS, () -> {
                List<GatewayService> services = gateways.start(plan, reach, agent.credentials(),
                        metadata.gatewayPorts(), backend.gatewayRunner(labelled(plan.toSpec(false)), reach));
                supervision.attach(slug, services, reach);
                return services;
            }));
            Bottle bottle = timed(slug, LaunchPhase.RESUME, () -> supervision.resume(backend, plan,
                    labelled(plan.toSpec(false)), Gateways.ports(started)));
            List<ProvisionStep> steps = new ArrayList<>(Provisioning.resumeSteps(started, reach, agent.provider()));
            workspace.ifPresent(dir -> steps.add(Provisioning.workspace(dir)));
            ProvisionResult result = timed(slug, LaunchPhase.PROVISION, () -> new ProvisionEngine(progress).apply(
                    bottle, steps, metadata.bottleEnv()));
            Map<String, String> bottleEnv = new LinkedHashMap<>(metadata.bottleEnv());
            bottleEnv.putAll(result.env());
            return hold(runtime, plan, state.readMetadata(slug).orElseThrow(), bottle, bottleEnv, agent, started, reach,
                    result.warnings(), workspace.isPresent());
        } catch (RuntimeException e) {
            Gateways.closeAll(started, e);
            supervision.release(slug);
            // let go again: the bottle stays as it was, preserved for another try
            state.readMetadata(slug).ifPresent(m -> {
                state.setPreserved(slug, true);
                state.writeMetadata(m.withHolder(Optional.empty()));
            });
            throw e;
        }
    }

    void stop(BottleMetadata metadata) {
        String slug = metadata.slug();
        timed(slug, LaunchPhase.STOP, () -> {
            backends.apply(metadata.backend()).stop(slug);
            return null;
        });
        supervision.release(slug);
        Gateways.closeAll(held.release(slug), null);
        state.setPreserved(slug, true);
        state.writeMetadata(metadata.withStatus(BottleMetadata.Status.STOPPED).withHolder(Optional.empty()));
    }

    RunningBottle attach(BottleMetadata metadata, BottlePlan plan, BottleRuntime runtime) {
        String slug = metadata.slug();
        Bottle bottle = backends.apply(metadata.backend()).attach(slug);
        Map<String, String> env = new LinkedHashMap<>(metadata.bottleEnv());
        plan.env().forEach((name, value) -> {
            if (value instanceof EnvValue.HostVariable h && host.environment().containsKey(h.name())) {
                env.put(name, host.environment().get(h.name()));
            }
        });
        env.putAll(supervision.bearerEnv(slug));
        return new RunningBottle(runtime, plan, bottle, env, held.gateways(slug), List.of(), false, false);
    }

    /**
     * Lets go of a held bottle without removing it: its gateways stop, and its state records it preserved and held by
     * nobody (when this process was its holder), so it is resumable and not taken for a crash's leftovers.
     */
    void release(String slug) {
        supervision.release(slug);
        Gateways.closeAll(held.release(slug), null);
        try {
            state.readMetadata(slug).filter(m -> m.holder().filter(HostSession::thisProcess).isPresent())
                    .ifPresent(m -> {
                        state.setPreserved(slug, true);
                        state.writeMetadata(m.withHolder(Optional.empty()));
                    });
        } catch (RuntimeException e) {
            LOG.warn("could not record that this process let go of bottle {}: {}", slug, e.getMessage());
        }
    }

    void teardown(String slug, boolean keepState) {
        long start = System.nanoTime();
        Failures failures = new Failures();
        Optional<BottleMetadata> metadata = state.readMetadata(slug);
        List<String> names = metadata.map(m -> List.of(m.backend())).orElseGet(() -> plugins.backends().all()
                .entrySet().stream().filter(e -> e.getValue().availability().isAvailable()).map(Map.Entry::getKey)
                .toList());
        for (String name : names) {
            failures.run("teardown of bottle " + slug + " (" + name + " backend)",
                    () -> backends.apply(name).teardown(slug));
        }
        supervision.release(slug);
        for (GatewayService g : held.release(slug)) {
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
        phaseDone(slug, LaunchPhase.TEARDOWN, start);
    }

    /** The agent side of a launch or resume, resolved before anything is created or started. */
    record Prepared(AgentProvider provider, AgentRequest request, CredentialSource credentials,
                            Map<String, String> secretEnv) {
    }

    /** @param checkAvailable whether an unavailable provider fails (a launch) or is left to fail later (a resume) */
    Prepared prepare(BottlePlan plan, boolean checkAvailable) {
        return prepare(plan, checkAvailable, true);
    }

    /** @param secret whether to resolve credentials and env values now (not for a pooled bottle: at its claim) */
    private Prepared prepare(BottlePlan plan, boolean checkAvailable, boolean secret) {
        AgentProvider provider = plugins.agents().get(plan.agentPlan().provider());
        Availability available = provider.availability();
        if (checkAvailable && !available.isAvailable()) {
            throw new PluginException("agent provider '" + provider.name() + "' cannot run on this host: "
                    + available.reason());
        }
        AgentRequest request = plan.agentPlan().request(plan.agent(), plan.slug(), host.userHome(), host.environment());
        return secret ? new Prepared(provider, request, secrets.credentials(plan, provider, request), secrets.env(plan))
                : new Prepared(provider, request, null, Map.of());
    }

    /** Records the bottle as running and held here, and hands out its handle. */
    private RunningBottle hold(BottleRuntime runtime, BottlePlan plan, BottleMetadata metadata, Bottle bottle,
                               Map<String, String> bottleEnv, Prepared agent, List<GatewayService> services,
                               HostReach reach, List<String> warnings, boolean workspace) {
        held.hold(plan.slug(), services);
        state.writeMetadata(metadata.withStatus(BottleMetadata.Status.RUNNING).withGateways(
                Gateways.portsByName(services), bottleEnv, HostSession.current()));
        return new RunningBottle(runtime, plan, bottle, Provisioning.execEnv(bottleEnv, agent.secretEnv(), services,
                reach), services, warnings, true, workspace);
    }

    /** @return the spec with the labels that name this host session and home on every engine object */
    private BottleSpec labelled(BottleSpec spec) {
        Map<String, String> labels = new LinkedHashMap<>(spec.labels());
        labels.put(BottleSpec.SESSION_LABEL, HostSession.current().label());
        labels.put(BottleSpec.HOME_LABEL, host.botBottleHome().toAbsolutePath().toString());
        return spec.toBuilder().labels(labels).build();
    }

    private <T> T timed(String slug, LaunchPhase phase, Supplier<T> step) {
        long start = System.nanoTime();
        T result = step.get();
        phaseDone(slug, phase, start);
        return result;
    }

    private void phaseDone(String slug, LaunchPhase phase, long startNanos) {
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        LOG.debug("bottle {}: {} took {} ms", slug, phase, took.toMillis());
        try {
            listener.phase(slug, phase, took);
        } catch (RuntimeException e) {
            LOG.warn("the bottle listener failed on phase {} of {}: {}", phase, slug, e.toString());
        }
    }
}
