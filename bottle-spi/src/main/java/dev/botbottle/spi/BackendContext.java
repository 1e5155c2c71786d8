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
 * @param hostCaCertificates the CA certificates this host trusts beyond the stock ones (a corporate proxy's), file
 *                           name to PEM: image builds that download put them in their context's {@code host-ca/}
 *                           ({@link ImageSpec}); found by the runtime, so backends never inspect the host for them
 * @since 0.1
 */
public record BackendContext(Path home, ProgressListener progress, Map<String, String> options,
                             Map<String, String> hostCaCertificates) {
    public BackendContext {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(progress, "progress");
        options = Map.copyOf(options);
        hostCaCertificates = Map.copyOf(hostCaCertificates);
    }

    /**
     * A context with no extra host CA certificates (the 0.1 shape).
     *
     * @param home the bot-bottle home
     * @param progress receives progress of long steps
     * @param options backend options
     */
    public BackendContext(Path home, ProgressListener progress, Map<String, String> options) {
        this(home, progress, options, Map.of());
    }
}
