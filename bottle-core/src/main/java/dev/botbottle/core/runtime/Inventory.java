package dev.botbottle.core.runtime;

import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.state.BottleMetadata;
import dev.botbottle.core.state.StateStore;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/** What bottles exist (in state, on the engines) and removing them all: {@code ps} and {@code cleanup}. */
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
        Set<String> slugs = new TreeSet<>();
        for (BackendProvider p : plugins.backends().all().values()) {
            if (p.availability().isAvailable()) {
                slugs.addAll(p.create(context).list());
            }
        }
        return slugs;
    }

    /** @return every bottle found in state or on an available backend */
    List<BottleStatus> list() {
        Set<String> engineSlugs = engineSlugs();
        Set<String> all = new TreeSet<>(engineSlugs);
        all.addAll(state.slugs());
        List<BottleStatus> out = new ArrayList<>();
        for (String slug : all) {
            Optional<BottleMetadata> m = state.readMetadata(slug);
            String status = m.isEmpty() ? "orphaned (no state)"
                    : !engineSlugs.contains(slug) ? "orphaned (no " + m.get().backend() + " objects)"
                    : m.get().status().label();
            out.add(new BottleStatus(slug, m.map(BottleMetadata::agent), m.map(BottleMetadata::backend), status,
                    state.isPreserved(slug)));
        }
        return out;
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
