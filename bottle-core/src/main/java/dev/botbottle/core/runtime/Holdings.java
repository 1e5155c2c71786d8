package dev.botbottle.core.runtime;

import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.GatewayService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bottles a runtime holds: their running gateway services, and the subscriptions that hand each egress decision
 * to the runtime's {@link BottleListener} while they run.
 */
final class Holdings {

    private static final Logger LOG = LoggerFactory.getLogger(Holdings.class);

    private record Held(List<GatewayService> gateways, List<EgressControl.Subscription> audit) {
    }

    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final BottleListener listener;

    Holdings(BottleListener listener) {
        this.listener = listener;
    }

    /** Records the bottle as held with these gateways, and follows the egress decisions of each. */
    void hold(String slug, List<GatewayService> gateways) {
        List<EgressControl.Subscription> audit = new ArrayList<>();
        if (listener != BottleListener.NONE) {
            for (GatewayService g : gateways) {
                if (g instanceof EgressControl egress) {
                    audit.add(egress.followAudit(entry -> {
                        try {
                            listener.egress(slug, entry);
                        } catch (RuntimeException e) {
                            LOG.warn("the bottle listener failed on an egress decision of {}: {}", slug, e.toString());
                        }
                    }));
                }
            }
        }
        Held previous = held.put(slug, new Held(List.copyOf(gateways), audit));
        if (previous != null) {
            previous.audit().forEach(EgressControl.Subscription::close);
        }
    }

    /** @return whether this runtime holds the bottle */
    boolean holds(String slug) {
        return held.containsKey(slug);
    }

    /** @return the gateways this runtime runs for the bottle; empty when it holds none */
    List<GatewayService> gateways(String slug) {
        Held h = held.get(slug);
        return h == null ? List.of() : h.gateways();
    }

    /** @return the slugs held now */
    Set<String> slugs() {
        return Set.copyOf(held.keySet());
    }

    /** @return the gateways this runtime held for the bottle, no longer held (the caller closes them) */
    List<GatewayService> release(String slug) {
        Held h = held.remove(slug);
        if (h == null) {
            return List.of();
        }
        h.audit().forEach(EgressControl.Subscription::close);
        return h.gateways();
    }
}
