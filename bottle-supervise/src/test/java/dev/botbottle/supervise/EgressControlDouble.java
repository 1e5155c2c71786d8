package dev.botbottle.supervise;

import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.EgressRoute;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A double of a running egress gateway's control interface: it keeps the routes it is given, and nothing else. */
final class EgressControlDouble implements EgressControl {
    private volatile List<EgressRoute> routes;
    final List<List<EgressRoute>> replacements = new CopyOnWriteArrayList<>();

    EgressControlDouble(List<EgressRoute> routes) {
        this.routes = List.copyOf(routes);
    }

    @Override
    public List<EgressRoute> routes() {
        return routes;
    }

    @Override
    public void replaceRoutes(List<EgressRoute> next) {
        replacements.add(List.copyOf(next));
        routes = List.copyOf(next);
    }

    @Override
    public List<EgressAuditEntry> readAudit() {
        return new ArrayList<>();
    }

    @Override
    public Subscription followAudit(Consumer<EgressAuditEntry> listener) {
        return () -> { };
    }
}
