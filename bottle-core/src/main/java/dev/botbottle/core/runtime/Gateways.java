package dev.botbottle.core.runtime;

import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.state.StateStore;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.CredentialException;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.GatewayPorts;
import dev.botbottle.spi.GatewayRequest;
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

/** Starts and stops a bottle's gateway services, only through the SPI. */
final class Gateways {

    private static final Logger LOG = LoggerFactory.getLogger(Gateways.class);

    private final Plugins plugins;
    private final StateStore state;
    private final List<Path> extraCaFiles;
    private final ProgressListener progress;
    private final java.util.function.Function<String, ProposalDesk> desks;

    Gateways(Plugins plugins, StateStore state, List<Path> extraCaFiles, ProgressListener progress,
             java.util.function.Function<String, ProposalDesk> desks) {
        this.plugins = plugins;
        this.state = state;
        this.extraCaFiles = extraCaFiles;
        this.progress = progress;
        this.desks = desks;
    }

    /**
     * Starts every gateway service (supervise only when the plan wants it) where the bottle reaches the host; if one
     * fails, those already started are stopped.
     *
     * @param previousPorts ports to ask for again, by service name (resume); others get an ephemeral port
     */
    List<GatewayService> start(BottlePlan plan, HostReach reach, CredentialSource creds,
                               Map<String, Integer> previousPorts) {
        List<GatewayService> started = new ArrayList<>();
        try {
            for (GatewayServiceProvider provider : plugins.gateways().all().values()) {
                if (!plan.wants(provider.name())) {
                    continue;
                }
                progress.onProgress("gateway", "starting " + provider.name() + " on " + reach.bindAddress());
                int previous = previousPorts.getOrDefault(provider.name(), 0);
                GatewayService service;
                try {
                    service = provider.start(request(plan, reach, creds, previous));
                } catch (BottleException e) {
                    if (previous == 0 || e instanceof CredentialException) {
                        throw e;
                    }
                    LOG.warn("the {} gateway of {} cannot have port {} again ({}); taking a new one",
                            provider.name(), plan.slug(), previous, e.getMessage());
                    service = provider.start(request(plan, reach, creds, 0));
                }
                started.add(service);
            }
        } catch (RuntimeException e) {
            closeAll(started, e);
            throw e;
        }
        return started;
    }

    private GatewayRequest request(BottlePlan plan, HostReach reach, CredentialSource creds, int port) {
        Path dir = state.directory(plan.slug());
        return GatewayRequest.builder(plan.slug()).bindAddress(reach.bindAddress()).port(port)
                .stateDir(dir).routes(plan.routes()).remotes(DeployKeys.forGate(plan.remotes(), dir)).credentials(creds)
                .extraCaFiles(caFiles(plan)).progress(progress).proposals(desks.apply(plan.slug())).build();
    }

    /** @return every port the bottle must reach for these services */
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

    /** Closes every service; failures are logged and, when {@code into} is given, added to it as suppressed. */
    static void closeAll(List<GatewayService> gateways, RuntimeException into) {
        Failures failures = new Failures();
        gateways.forEach(g -> failures.run("stopping the " + g.name() + " gateway", g::close));
        if (into != null) {
            failures.suppressInto(into);
        }
    }
}
