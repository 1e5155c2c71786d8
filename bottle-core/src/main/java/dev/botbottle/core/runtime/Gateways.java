package dev.botbottle.core.runtime;

import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.state.StateStore;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.CredentialException;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.GatewayLauncher;
import dev.botbottle.spi.GatewayPorts;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GatewayRunner;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.GatewayServiceProvider;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.ProposalDesk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Starts and stops a bottle's gateway services, only through the SPI. */
final class Gateways {

    private static final Logger LOG = LoggerFactory.getLogger(Gateways.class);

    private final Plugins plugins;
    private final StateStore state;
    private final List<Path> extraCaFiles;
    private final ProgressListener progress;
    private final java.util.function.Function<String, ProposalDesk> desks;
    private final AtomicInteger threads = new AtomicInteger();
    /** Starts gateway services; daemon threads that end when idle, so a runtime leaves none behind. */
    private final ExecutorService starter = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "bottle-gateway-start-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    Gateways(Plugins plugins, StateStore state, List<Path> extraCaFiles, ProgressListener progress,
             java.util.function.Function<String, ProposalDesk> desks) {
        this.plugins = plugins;
        this.state = state;
        this.extraCaFiles = extraCaFiles;
        this.progress = progress;
        this.desks = desks;
    }

    /**
     * Starts every gateway service (supervise only when the plan wants it) where the bottle reaches the host, all at
     * once (each is independent of the others, and starting one is mostly waiting or loading classes); if one fails,
     * those already started are stopped. The services come back in the order the plugins list them.
     *
     * @param previousPorts ports to ask for again, by service name (resume); others get an ephemeral port
     */
    List<GatewayService> start(BottlePlan plan, HostReach reach, CredentialSource creds,
                               Map<String, Integer> previousPorts, Optional<GatewayRunner> runner) {
        if (runner.isPresent()) {
            return launch(plan, reach, creds, previousPorts, runner.get());
        }
        List<CompletableFuture<GatewayService>> starting = new ArrayList<>();
        for (GatewayServiceProvider provider : plugins.gateways().all().values()) {
            if (plan.wants(provider.name())) {
                starting.add(CompletableFuture.supplyAsync(() -> startOne(provider, plan, reach, creds,
                        previousPorts.getOrDefault(provider.name(), 0)), starter));
            }
        }
        List<GatewayService> started = new ArrayList<>();
        RuntimeException failure = null;
        for (CompletableFuture<GatewayService> f : starting) {
            try {
                started.add(f.join());
            } catch (CompletionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : e;
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            }
        }
        if (failure != null) {
            closeAll(started, failure);
            throw failure;
        }
        return started;
    }

    /** Starts the services in one gateway program the backend's runner runs (DESIGN §12, ADR 60). */
    private List<GatewayService> launch(BottlePlan plan, HostReach reach, CredentialSource creds,
                                        Map<String, Integer> previousPorts, GatewayRunner runner) {
        List<String> names = plugins.gateways().all().keySet().stream().filter(plan::wants).toList();
        GatewayLauncher launcher = ServiceLoader.load(GatewayLauncher.class).findFirst().orElseThrow(() ->
                new BottleException("the " + plan.backend() + " backend runs gateways out of process, but no gateway"
                        + " launcher is on the class path: add dev.botbottle:bottle-gateway"));
        progress.onProgress("gateway", "starting " + String.join(", ", names) + " in a gateway program on "
                + reach.bindAddress());
        return launcher.launch(request(plan, reach, creds, 0), names, previousPorts, runner);
    }

    private GatewayService startOne(GatewayServiceProvider provider, BottlePlan plan, HostReach reach,
                                    CredentialSource creds, int previous) {
        progress.onProgress("gateway", "starting " + provider.name() + " on " + reach.bindAddress());
        try {
            return provider.start(request(plan, reach, creds, previous));
        } catch (BottleException e) {
            if (previous == 0 || e instanceof CredentialException) {
                throw e;
            }
            LOG.warn("the {} gateway of {} cannot have port {} again ({}); taking a new one",
                    provider.name(), plan.slug(), previous, e.getMessage());
            return provider.start(request(plan, reach, creds, 0));
        }
    }

    private GatewayRequest request(BottlePlan plan, HostReach reach, CredentialSource creds, int port) {
        Path dir = state.directory(plan.slug());
        return GatewayRequest.builder(plan.slug()).bindAddress(reach.bindAddress()).port(port)
                .stateDir(dir).routes(plan.routes()).remotes(DeployKeys.forGate(plan.remotes(), dir)).credentials(creds)
                .extraCaFiles(caFiles(plan)).progress(progress).proposals(desks.apply(plan.slug())).build();
    }

    /** The host's system CA bundle (when present and trusted), the runtime's extra files, then the bottle's own. */
    private List<Path> caFiles(BottlePlan plan) {
        List<Path> files = new ArrayList<>(extraCaFiles);
        files.addAll(plan.upstreamCaFiles());
        return files;
    }

    static GatewayPorts ports(List<GatewayService> gateways) {
        return gateways.stream().map(GatewayService::ports).reduce(GatewayPorts.NONE, GatewayPorts::plus);
    }

    static Map<String, Integer> portsByName(List<GatewayService> gateways) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        gateways.forEach(g -> ports.put(g.name(), g.port()));
        return ports;
    }

    /** How long a launch waits for its gateways' background warm-up after provisioning, at most. */
    static final java.time.Duration READY_TIMEOUT = java.time.Duration.ofSeconds(5);

    /**
     * Waits (at most {@link #READY_TIMEOUT} in all) for what the services began in the background at start, so the
     * bottle's first request is as fast as later ones; a service not ready by then is logged and used as it is.
     */
    static void awaitReady(String slug, List<GatewayService> gateways) {
        long start = System.nanoTime();
        long deadline = start + READY_TIMEOUT.toNanos();
        for (GatewayService g : gateways) {
            try {
                java.time.Duration left = java.time.Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                if (!g.awaitReady(left)) {
                    LOG.info("the {} gateway of {} is still warming up; handing the bottle out anyway", g.name(),
                            slug);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("the {} gateway of {} failed while getting ready: {}", g.name(), slug, e.toString());
            }
        }
        LOG.debug("bottle {}: waited {} ms for its gateways' warm-up", slug, (System.nanoTime() - start) / 1_000_000);
    }

    /** Closes every service; failures are logged and, when {@code into} is given, added to it as suppressed. */
    static void closeAll(List<GatewayService> gateways, RuntimeException into) {
        Failures failures = new Failures();
        gateways.forEach(g -> failures.run("stopping the " + g.name() + " gateway", g::close));
        if (into != null) {
            failures.suppressInto(into);
        }
    }
}
