package dev.botbottle.core.runtime;

import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.state.StateStore;
import dev.botbottle.core.supervise.ProposalStore;
import dev.botbottle.core.supervise.Supervisor;
import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.GatewayPorts;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ProposalDesk;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.SuperviseService;
import dev.botbottle.spi.SupervisorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The runtime's hooks into supervise: a desk per held bottle, handed to its supervise server, wired to its egress. */
final class Supervision implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Supervision.class);

    private final Supervisor supervisor;
    private final Map<String, ProposalDesk> desks = new ConcurrentHashMap<>();

    Supervision(StateStore state, SupervisorHandler handler) {
        this.supervisor = new Supervisor(state, handler);
    }

    ProposalStore store() {
        return supervisor.store();
    }

    /**
     * Opens the bottle's desk before its gateways start (a plan without supervise gets none).
     *
     * @return the plan with the routes approved while no process held the bottle
     */
    BottlePlan open(BottlePlan plan) {
        if (!plan.supervise()) {
            return plan;
        }
        ProposalDesk desk = supervisor.open(plan.slug(), plan.routes());
        desks.put(plan.slug(), desk);
        return desk.routes().equals(plan.routes()) ? plan : plan.withRoutes(desk.routes());
    }

    /** @return where the bottle's supervise server files proposals */
    ProposalDesk desk(String slug) {
        return desks.getOrDefault(slug, ProposalDesk.NONE);
    }

    /**
     * Points the bottle's desk at its running egress gateway, so approvals apply at once, and keeps the supervise
     * bearer in the bottle's state (0600) for execs from other processes ({@link #bearerEnv}). Whoever can read the
     * state directory can already answer the bottle's proposals, so the file gives nobody more than they have.
     */
    void attach(String slug, List<GatewayService> gateways, HostReach reach) {
        for (GatewayService g : gateways) {
            if (g instanceof EgressControl egress) {
                supervisor.attach(slug, egress);
            }
            if (g instanceof SuperviseService supervise) {
                var endpoint = supervise.endpoint(reach);
                store().rememberBearer(slug, endpoint.bearerEnvName(), endpoint.bearer());
            }
        }
    }

    /** @return the supervise bearer of a bottle another process holds, by the variable it is read from */
    Map<String, String> bearerEnv(String slug) {
        return store().rememberedBearer(slug);
    }

    /** @return the provider's steps that register each running supervise server with the agent's CLI */
    static List<ProvisionStep> registration(AgentProvider provider, List<GatewayService> gateways, HostReach reach) {
        List<ProvisionStep> steps = new ArrayList<>();
        for (GatewayService g : gateways) {
            if (g instanceof SuperviseService supervise) {
                steps.addAll(provider.superviseSteps(supervise.endpoint(reach)));
            }
        }
        return steps;
    }

    /**
     * Brings a stopped bottle back: rebuilt on its image plus the approved image changes when some wait
     * ({@code capability-block}), else resumed as it was.
     */
    Bottle resume(BottleBackend backend, BottlePlan plan, dev.botbottle.spi.BottleSpec spec, GatewayPorts gatewayPorts) {
        Optional<String> changes = plan.supervise() ? store().pendingImageChanges(plan.slug()) : Optional.empty();
        if (changes.isEmpty()) {
            return backend.resume(plan.slug(), gatewayPorts);
        }
        LOG.info("bottle {} has approved image changes: rebuilding its image", plan.slug());
        Bottle bottle = backend.rebuild(spec, changes.get(), gatewayPorts);
        store().imageRebuilt(plan.slug(), changes.get());
        return bottle;
    }

    void release(String slug) {
        desks.remove(slug);
        supervisor.release(slug);
    }

    @Override
    public void close() {
        desks.clear();
        supervisor.close();
    }
}
