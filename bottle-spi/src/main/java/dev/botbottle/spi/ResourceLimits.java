package dev.botbottle.spi;

import java.util.Optional;

/**
 * Resource limits for a bottle; absent values mean the engine's defaults.
 *
 * @param cpus number of CPUs, e.g. {@code 1.5}
 * @param memoryBytes memory limit in bytes
 * @param pids maximum number of processes
 * @since 0.1
 */
public record ResourceLimits(Optional<Double> cpus, Optional<Long> memoryBytes, Optional<Integer> pids) {

    /** No limits. */
    public static final ResourceLimits NONE = new ResourceLimits(Optional.empty(), Optional.empty(), Optional.empty());

    public ResourceLimits {
        java.util.Objects.requireNonNull(cpus, "cpus");
        java.util.Objects.requireNonNull(memoryBytes, "memoryBytes");
        java.util.Objects.requireNonNull(pids, "pids");
    }
}
