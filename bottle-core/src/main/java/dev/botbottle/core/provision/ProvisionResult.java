package dev.botbottle.core.provision;

import java.util.List;
import java.util.Map;

/**
 * What applying steps produced.
 *
 * @param env the environment set by {@code SetEnv} steps, to give every later exec
 * @param warnings optional steps that failed, with the bottle's words
 * @param execs how many execs and copies the engine needed (batching shows here)
 * @since 0.1
 */
public record ProvisionResult(Map<String, String> env, List<String> warnings, int execs) {
    public ProvisionResult {
        env = Map.copyOf(env);
        warnings = List.copyOf(warnings);
    }
}
