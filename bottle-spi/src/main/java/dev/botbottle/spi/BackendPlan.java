package dev.botbottle.spi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The backend-specific part of a bottle plan, shown in the preflight and in the JSON plan: what the backend will
 * do for this bottle (runtime, network, isolation in force), and which of its protections will not be in force.
 *
 * @param backend the backend's name
 * @param details ordered facts, e.g. {@code runtime -> runsc (gVisor)}, {@code network -> bb-net-xyz (internal)}
 * @param warnings the protections this bottle will run without, one sentence each, e.g. {@code weak isolation: no
 *                 host firewall chain (...); the bottle can reach every service on this host}; the preflight shows
 *                 each as a warning line and {@code bottle doctor --escape-test} lists them as NOT IN FORCE
 * @since 0.1
 */
public record BackendPlan(String backend, Map<String, String> details, List<String> warnings) {
    public BackendPlan {
        Objects.requireNonNull(backend, "backend");
        details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
        // null: a plan saved before 0.3 (its JSON has no warnings) reads as one with none
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /**
     * A plan with no protection missing (the 0.2 shape, kept for plugins compiled against it).
     *
     * @param backend the backend's name
     * @param details ordered facts
     */
    public BackendPlan(String backend, Map<String, String> details) {
        this(backend, details, List.of());
    }

    /**
     * @param more protections not in force, added after this plan's own
     * @return a copy with them
     * @since 0.3
     */
    public BackendPlan withWarnings(List<String> more) {
        List<String> all = new java.util.ArrayList<>(warnings);
        all.addAll(more);
        return new BackendPlan(backend, details, all);
    }
}
