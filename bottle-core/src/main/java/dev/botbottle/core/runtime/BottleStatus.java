package dev.botbottle.core.runtime;

import dev.botbottle.core.state.BottleMetadata;
import dev.botbottle.core.state.HostSession;
import dev.botbottle.spi.EngineState;

import java.util.Objects;
import java.util.Optional;

/**
 * One bottle as {@code bottle ps} shows it: what was recorded, and what is true now (the engine's state of the
 * bottle, whether a live process holds its gateways).
 *
 * @param slug the bottle
 * @param agent the agent, when state records it
 * @param backend the backend, when state records it
 * @param status for a person: {@code running}, {@code stopped}, {@code creating}, {@code exited (...)} (the bottle
 *               stopped under a runtime that recorded it running), {@code running (gateways down)}, or
 *               {@code orphaned (...)} (engine objects without state, state without engine objects, a launch whose
 *               process died)
 * @param preserved whether teardown keeps its state
 * @param recorded the lifecycle status the last runtime recorded, when there is state
 * @param engine what the backend reports now ({@link EngineState#ABSENT} when it finds nothing)
 * @param holder the process recorded as holding the gateways, when one is
 * @param gatewaysUp whether that process still runs (its gateways are up)
 * @since 0.1
 */
public record BottleStatus(String slug, Optional<String> agent, Optional<String> backend, String status,
                           boolean preserved, Optional<BottleMetadata.Status> recorded, EngineState engine,
                           Optional<HostSession> holder, boolean gatewaysUp) {
    public BottleStatus {
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(recorded, "recorded");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(holder, "holder");
    }

    /** @return whether the bottle is usable as it is: running, with its gateways up */
    public boolean healthy() {
        return engine == EngineState.RUNNING && gatewaysUp
                && recorded.filter(r -> r == BottleMetadata.Status.RUNNING).isPresent();
    }
}
