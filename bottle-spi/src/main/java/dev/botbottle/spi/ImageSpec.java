package dev.botbottle.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The image a bottle starts from: an existing reference, or one the backend builds from a Dockerfile.
 *
 * <p>Build context: the backend writes {@link #dockerfile()} as {@code Dockerfile} and {@link #contextFiles()}
 * next to it, and adds a directory {@code host-ca/} holding the host's extra CA certificates (one {@code .crt}
 * file each; see {@link dev.botbottle.spi.support.HostTrust}), possibly empty. A Dockerfile that downloads during
 * the build (apt, npm) should trust them first, so builds work behind an intercepting proxy:
 * <pre>{@code
 * COPY host-ca/ /usr/local/share/ca-certificates/
 * RUN update-ca-certificates
 * }</pre>
 *
 * @param reference the image reference ({@code bot-bottle/claude:2.1.332}); the tag a build produces
 * @param dockerfile the Dockerfile text to build {@link #reference()} from when it is not present yet
 * @param buildArgs {@code --build-arg} values for the build (e.g. {@code BASE_IMAGE})
 * @param contextFiles extra files placed in the build context, by relative path
 * @since 0.1
 */
public record ImageSpec(String reference, Optional<String> dockerfile, Map<String, String> buildArgs,
                        Map<String, byte[]> contextFiles) {

    public ImageSpec {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(dockerfile, "dockerfile");
        buildArgs = Map.copyOf(buildArgs);
        contextFiles = Map.copyOf(contextFiles);
        if (reference.isBlank()) {
            throw new IllegalArgumentException("image reference must not be blank");
        }
    }

    /**
     * @param reference an image that must already exist on the engine
     * @return a spec that builds nothing
     */
    public static ImageSpec of(String reference) {
        return new ImageSpec(reference, Optional.empty(), Map.of(), Map.of());
    }

    /** @return whether the backend may build this image */
    public boolean buildable() {
        return dockerfile.isPresent();
    }
}
