package dev.botbottle.spi;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.Objects;
import java.util.Optional;

/**
 * The image a bottle starts from: an existing reference, or one the backend builds from a Dockerfile.
 *
 * <p>Build context: the backend writes {@link #dockerfile()} as {@code Dockerfile} and {@link #contextFiles()}
 * next to it, and adds a directory {@code host-ca/} holding the host's extra CA certificates (one {@code .crt}
 * file each; see {@code dev.botbottle.core.runtime.HostTrust}), possibly empty. A Dockerfile that downloads during
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
 * @see #builder(String) the way to make a buildable one (ADR 11)
 */
public record ImageSpec(String reference, Optional<String> dockerfile, Map<String, String> buildArgs,
                        Map<String, byte[]> contextFiles) {

    public ImageSpec {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(dockerfile, "dockerfile");
        buildArgs = Map.copyOf(buildArgs);
        contextFiles = copy(contextFiles);
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

    /**
     * @param reference the tag a build produces
     * @return a builder for an image built from a Dockerfile when it is missing
     * @since 0.2
     */
    public static Builder builder(String reference) {
        return new Builder(reference);
    }

    /** @return whether the backend may build this image */
    public boolean buildable() {
        return dockerfile.isPresent();
    }

    /** @return a copy of the context files: changing it or its arrays changes nothing here */
    @Override
    public Map<String, byte[]> contextFiles() {
        return copy(contextFiles);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ImageSpec other) || !reference.equals(other.reference) || !dockerfile.equals(other.dockerfile)
                || !buildArgs.equals(other.buildArgs) || !contextFiles.keySet().equals(other.contextFiles.keySet())) {
            return false;
        }
        return contextFiles.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), other.contextFiles.get(e.getKey())));
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(reference, dockerfile, buildArgs);
        for (var e : new TreeMap<>(contextFiles).entrySet()) {
            h = 31 * h + e.getKey().hashCode() * 17 + Arrays.hashCode(e.getValue());
        }
        return h;
    }

    @Override
    public String toString() {
        return "ImageSpec[" + reference + (dockerfile.isPresent() ? ", buildable" : "") + ", buildArgs=" + buildArgs
                + ", contextFiles=" + contextFiles.keySet() + "]";
    }

    private static Map<String, byte[]> copy(Map<String, byte[]> files) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        files.forEach((path, bytes) -> out.put(Objects.requireNonNull(path, "path"),
                Objects.requireNonNull(bytes, "content of " + path).clone()));
        return java.util.Collections.unmodifiableMap(out);
    }

    /**
     * Makes a buildable {@link ImageSpec}.
     *
     * @since 0.2
     */
    public static final class Builder {
        private final String reference;
        private String dockerfile;
        private final Map<String, String> buildArgs = new LinkedHashMap<>();
        private final Map<String, byte[]> contextFiles = new LinkedHashMap<>();

        private Builder(String reference) {
            this.reference = Objects.requireNonNull(reference, "reference");
        }

        /** @param text the Dockerfile @return this builder */
        public Builder dockerfile(String text) {
            this.dockerfile = Objects.requireNonNull(text, "dockerfile");
            return this;
        }

        /** @param name a build argument @param value its value (not secret) @return this builder */
        public Builder buildArg(String name, String value) {
            buildArgs.put(name, value);
            return this;
        }

        /** @param path a relative path in the build context @param content its bytes (copied) @return this builder */
        public Builder contextFile(String path, byte[] content) {
            contextFiles.put(path, content.clone());
            return this;
        }

        /** @return the image spec */
        public ImageSpec build() {
            return new ImageSpec(reference, Optional.ofNullable(dockerfile), buildArgs, contextFiles);
        }
    }
}
