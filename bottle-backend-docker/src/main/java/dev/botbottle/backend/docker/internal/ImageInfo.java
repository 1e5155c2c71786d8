package dev.botbottle.backend.docker.internal;

import java.util.Map;
import java.util.Objects;

/**
 * An image the engine has.
 *
 * @param id its content id ({@code sha256:...})
 * @param labels its labels (e.g. {@code dev.botbottle.user})
 */
public record ImageInfo(String id, Map<String, String> labels) {
    public ImageInfo {
        Objects.requireNonNull(id, "id");
        labels = Map.copyOf(labels);
    }
}
