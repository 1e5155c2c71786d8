package dev.botbottle.core.runtime;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Choices a launch makes beyond the plan.
 *
 * @param workspace a host directory copied into {@code ~/workspace} in the bottle ({@code .git} included)
 * @param trustHostCa whether the bottle also trusts the host's extra CA certificates (corporate TLS proxies)
 * @param allowWeakIsolation whether to run when the backend cannot fully isolate the bottle from host services
 * @since 0.1
 */
public record LaunchOptions(Optional<Path> workspace, boolean trustHostCa, boolean allowWeakIsolation) {

    /** No workspace, no host CA, full isolation required. */
    public static final LaunchOptions DEFAULTS = new LaunchOptions(Optional.empty(), false, false);

    public LaunchOptions {
        Objects.requireNonNull(workspace, "workspace");
    }

    /** @return a copy copying no workspace in @since 0.3 */
    public LaunchOptions withoutWorkspace() {
        return new LaunchOptions(Optional.empty(), trustHostCa, allowWeakIsolation);
    }

    /** @param dir the workspace @return a copy copying {@code dir} in */
    public LaunchOptions withWorkspace(Path dir) {
        return new LaunchOptions(Optional.of(dir), trustHostCa, allowWeakIsolation);
    }
}
