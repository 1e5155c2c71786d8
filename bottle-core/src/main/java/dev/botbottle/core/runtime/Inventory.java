package dev.botbottle.core.runtime;

import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.state.BottleMetadata;
import dev.botbottle.core.state.HostSession;
import dev.botbottle.core.state.StateStore;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.EngineState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * What bottles exist (in state, on the engines) and what they really are now, and removing them all: {@code ps},
 * {@code info} and {@code cleanup}.
 */
final class Inventory {

    private final Plugins plugins;
    private final StateStore state;
    private final BackendContext context;

    Inventory(Plugins plugins, StateStore state, BackendContext context) {
        this.plugins = plugins;
        this.state = state;
        this.context = context;
    }

    /** @return the slugs every available backend finds objects for */
    Set<String> engineSlugs() {
        return new TreeSet<>(engineStates().keySet());
    }

    /** @return what every available backend reports, by slug (the first backend that knows a slug wins) */
    private Map<String, EngineState> engineStates() {
        Map<String, EngineState> states = new TreeMap<>();
        for (BackendProvider p : plugins.backends().all().values()) {
            if (p.availability().isAvailable()) {
                p.create(context).states().forEach(states::putIfAbsent);
            }
        }
        return states;
    }

    /** @return every bottle found in state or on an available backend */
    List<BottleStatus> list() {
        Map<String, EngineState> engine = engineStates();
        Set<String> all = new TreeSet<>(engine.keySet());
        all.addAll(state.slugs());
        List<BottleStatus> out = new ArrayList<>();
        for (String slug : all) {
            out.add(status(slug, state.readMetadata(slug), engine.getOrDefault(slug, EngineState.ABSENT)));
        }
        return out;
    }

    /** @return the bottle's status, or empty when neither state nor an engine knows it */
    Optional<BottleStatus> status(String slug) {
        Optional<BottleMetadata> m = state.readMetadata(slug);
        EngineState engine = engineStates().getOrDefault(slug, EngineState.ABSENT);
        if (m.isEmpty() && engine == EngineState.ABSENT && !state.slugs().contains(slug)) {
            return Optional.empty();
        }
        return Optional.of(status(slug, m, engine));
    }

    private BottleStatus status(String slug, Optional<BottleMetadata> m, EngineState engine) {
        Optional<HostSession> holder = m.flatMap(BottleMetadata::holder);
        boolean up = holder.map(HostSession::running).orElse(false);
        return new BottleStatus(slug, m.map(BottleMetadata::agent), m.map(BottleMetadata::backend),
                describe(m, engine, holder, up), state.isPreserved(slug), m.map(BottleMetadata::status), engine,
                holder, up);
    }

    /** The words {@code ps} shows: the recorded status corrected by what the engine and the process table say. */
    static String describe(Optional<BottleMetadata> m, EngineState engine, Optional<HostSession> holder, boolean up) {
        if (m.isEmpty()) {
            return "orphaned (no state)";
        }
        String backend = m.get().backend();
        if (engine == EngineState.ABSENT) {
            return "orphaned (no " + backend + " objects)";
        }
        String gateways = up ? "gateways up in process " + holder.get().pid()
                : holder.map(h -> "gateways down: holder process " + h.pid() + " is gone").orElse("gateways down");
        return switch (m.get().status()) {
            case CREATING -> up ? "creating" : "orphaned (launch interrupted; " + gateways + ")";
            case POOLED -> up ? "pooled (warm, not claimed yet; " + gateways + ")"
                    : "orphaned (its warm pool is gone; " + gateways + ")";
            case STOPPED -> engine == EngineState.RUNNING ? "running (recorded stopped; " + gateways + ")" : "stopped";
            case RUNNING -> switch (engine) {
                case RUNNING -> up ? "running" : "running (" + gateways + ")";
                case STOPPED -> "exited (the " + backend + " bottle stopped outside bot-bottle; " + gateways + ")";
                case INCOMPLETE -> "broken (the " + backend + " bottle is gone, some of its objects remain; "
                        + gateways + ")";
                default -> "running? (the " + backend + " backend cannot tell; " + gateways + ")";
            };
        };
    }

    /**
     * @param remove removes one bottle
     * @return the slugs removed; every bottle is tried, and the failures are rethrown together at the end
     */
    List<String> cleanup(Consumer<String> remove) {
        List<String> removed = new ArrayList<>();
        Failures failures = new Failures();
        for (BottleStatus s : list()) {
            failures.run("removing bottle " + s.slug(), () -> {
                remove.accept(s.slug());
                removed.add(s.slug());
            });
        }
        failures.rethrow();
        return removed;
    }
}
