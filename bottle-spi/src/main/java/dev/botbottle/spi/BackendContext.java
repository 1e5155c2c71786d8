package dev.botbottle.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What the runtime hands a {@link BackendProvider} when it makes a backend.
 *
 * @param home the bot-bottle home ({@code ~/.bot-bottle} by default); backends keep caches below it
 * @param progress receives progress of long steps
 * @param options backend options chosen by the host (e.g. {@code docker.binary}); unknown keys are ignored
 * @since 0.1
 */
public record BackendContext(Path home, ProgressListener progress, Map<String, String> options) {
    public BackendContext {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(progress, "progress");
        options = Map.copyOf(options);
    }
}
