package dev.botbottle.core.runtime;

import java.util.Optional;

/**
 * One bottle as {@code bottle ps} shows it.
 *
 * @param slug the bottle
 * @param agent the agent, when state records it
 * @param backend the backend, when state records it
 * @param status {@code running}, {@code stopped}, {@code creating}, or {@code orphaned} (engine objects without
 *               state, or state without engine objects)
 * @param preserved whether teardown keeps its state
 * @since 0.1
 */
public record BottleStatus(String slug, Optional<String> agent, Optional<String> backend, String status,
                           boolean preserved) {
}
