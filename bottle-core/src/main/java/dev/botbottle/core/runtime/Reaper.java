package dev.botbottle.core.runtime;

import dev.botbottle.core.state.BottleMetadata;
import dev.botbottle.core.state.HostSession;
import dev.botbottle.core.state.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Finds the bottles a dead host left behind and removes them: a bottle whose metadata names a holder process that no
 * longer runs (killed, crashed, its JVM halted) and that is not preserved. A process that lets go of a bottle
 * properly ({@link BottleRuntime#stop}, {@link BottleRuntime#close}) clears its holder and preserves it, so only
 * bottles nobody can use any more are removed. Run when a runtime starts, and by the watchdog when its host dies.
 */
final class Reaper {

    private static final Logger LOG = LoggerFactory.getLogger(Reaper.class);

    private final StateStore state;
    private final BottleListener listener;

    Reaper(StateStore state, BottleListener listener) {
        this.state = state;
        this.listener = listener;
    }

    /**
     * @param slug a bottle with state
     * @return why it is to be removed, or empty when it is not
     */
    Optional<String> deadHolder(String slug) {
        Optional<BottleMetadata> metadata;
        try {
            metadata = state.readMetadata(slug);
        } catch (RuntimeException e) {
            LOG.debug("not reaping {}: its metadata cannot be read ({})", slug, e.getMessage());
            return Optional.empty();
        }
        if (metadata.isEmpty() || state.isPreserved(slug)) {
            return Optional.empty();
        }
        Optional<HostSession> holder = metadata.get().holder();
        if (holder.isEmpty() || holder.get().running()) {
            return Optional.empty();
        }
        return Optional.of("its holder " + holder.get() + " is gone and the bottle is not preserved (it was "
                + metadata.get().status().label() + ")");
    }

    /**
     * @param remove removes one bottle (engine objects, then state)
     * @return the slugs removed; one that cannot be removed is logged and left for the next runtime
     */
    List<String> reap(Consumer<String> remove) {
        List<String> reaped = new ArrayList<>();
        List<String> slugs;
        try {
            slugs = state.slugs();
        } catch (RuntimeException e) {
            LOG.warn("cannot look for bottles left by dead processes: {}", e.getMessage());
            return reaped;
        }
        for (String slug : slugs) {
            Optional<String> why = deadHolder(slug);
            if (why.isEmpty()) {
                continue;
            }
            LOG.info("removing bottle {}: {}", slug, why.get());
            try {
                remove.accept(slug);
                reaped.add(slug);
                try {
                    listener.reaped(slug, why.get());
                } catch (RuntimeException e) {
                    LOG.warn("the bottle listener failed on reaped {}: {}", slug, e.toString());
                }
            } catch (RuntimeException e) {
                LOG.warn("could not remove bottle {} left by a dead process ({}); the next runtime tries again",
                        slug, e.getMessage());
            }
        }
        return reaped;
    }
}
