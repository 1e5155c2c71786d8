package dev.botbottle.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The backend-specific part of a bottle plan, shown in the preflight and in the JSON plan: what the backend will
 * do for this bottle (runtime, network, isolation in force).
 *
 * @param backend the backend's name
 * @param details ordered facts, e.g. {@code runtime -> runsc (gVisor)}, {@code network -> bb-net-xyz (internal)}
 * @since 0.1
 */
public record BackendPlan(String backend, Map<String, String> details) {
    public BackendPlan {
        Objects.requireNonNull(backend, "backend");
        details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }
}
