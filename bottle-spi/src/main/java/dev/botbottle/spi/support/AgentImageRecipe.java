package dev.botbottle.spi.support;

import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.ImageSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * An agent image recipe shipped in a provider jar: a Dockerfile and a release {@code .properties} file that pins the
 * agent CLI (its {@code version} and whatever else the build needs, e.g. checksums), the one place the version lives.
 *
 * <p>{@link #spec(Map)} turns the recipe into a buildable {@link ImageSpec} tagged
 * {@code <repository>:<version>-<hash>}, where the hash is the first 10 hex digits of a SHA-256 over the Dockerfile
 * and the build arguments sorted by name. A changed recipe or base image therefore never reuses a stale cached image,
 * and an unchanged one is built once per engine.
 *
 * <p>Typical use, loaded lazily so that a broken jar fails the first plan rather than plugin discovery:
 * <pre>{@code
 * private static final class Image {
 *     static final AgentImageRecipe RECIPE =
 *             AgentImageRecipe.load(MyProvider.class, "acme/agent", "Dockerfile", "agent.properties");
 * }
 * ImageSpec spec = Image.RECIPE.spec(Map.of("BASE_IMAGE", baseImage, "AGENT_VERSION", Image.RECIPE.version()));
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1
 */
public final class AgentImageRecipe {
    private static final int HASH_HEX_DIGITS = 10;

    private final String repository;
    private final String dockerfile;
    private final Properties release;
    private final String releaseResource;

    private AgentImageRecipe(String repository, String dockerfile, Properties release, String releaseResource) {
        this.repository = repository;
        this.dockerfile = dockerfile;
        this.release = release;
        this.releaseResource = releaseResource;
    }

    /**
     * Reads the recipe from {@code owner}'s jar. Resource names resolve like {@link Class#getResourceAsStream}: a
     * name without a leading {@code /} is relative to {@code owner}'s package.
     *
     * @param owner a class of the provider jar that holds the resources
     * @param repository the image repository, e.g. {@code bot-bottle/claude}
     * @param dockerfileResource the Dockerfile resource (UTF-8)
     * @param releaseResource the release resource ({@link Properties} format) holding at least {@code version}
     * @return the recipe
     * @throws BottleException when a resource is missing or unreadable, or the release has no {@code version};
     *         the message names the resource and the jar
     */
    public static AgentImageRecipe load(Class<?> owner, String repository, String dockerfileResource,
                                        String releaseResource) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(dockerfileResource, "dockerfileResource");
        Objects.requireNonNull(releaseResource, "releaseResource");
        if (repository.isBlank()) {
            throw new IllegalArgumentException("repository must not be blank");
        }
        String dockerfile = read(owner, dockerfileResource);
        Properties release = new Properties();
        try {
            release.load(new StringReader(read(owner, releaseResource)));
        } catch (IOException | IllegalArgumentException e) {
            throw new BottleException("resource " + absolute(owner, releaseResource) + " in " + jar(owner)
                    + " is not a valid .properties file: " + e.getMessage(), e);
        }
        AgentImageRecipe recipe = new AgentImageRecipe(repository, dockerfile, release,
                absolute(owner, releaseResource) + " in " + jar(owner));
        recipe.version();
        return recipe;
    }

    /** @return the image repository, e.g. {@code bot-bottle/claude} */
    public String repository() {
        return repository;
    }

    /** @return the Dockerfile text */
    public String dockerfile() {
        return dockerfile;
    }

    /** @return the release's {@code version}, e.g. {@code 2.1.332} */
    public String version() {
        return release("version");
    }

    /**
     * @param key a property of the release file, e.g. {@code sha512.linux-x64}
     * @return its value, trimmed
     * @throws BottleException when the release has no non-blank value for {@code key}; the message names the file
     */
    public String release(String key) {
        Objects.requireNonNull(key, "key");
        String value = release.getProperty(key, "").trim();
        if (value.isEmpty()) {
            throw new BottleException("resource " + releaseResource + " has no " + key
                    + "; rebuild the provider jar with a complete release file");
        }
        return value;
    }

    /**
     * @param buildArgs the {@code --build-arg} values (e.g. {@code BASE_IMAGE}, the pinned version)
     * @return a buildable spec tagged {@code <repository>:<version>-<hash>}, with no extra context files
     */
    public ImageSpec spec(Map<String, String> buildArgs) {
        Map<String, String> args = new TreeMap<>(buildArgs);
        String reference = repository + ":" + version() + "-" + recipeHash(dockerfile, args);
        return new ImageSpec(reference, Optional.of(dockerfile), args, Map.of());
    }

    /**
     * @param dockerfile the Dockerfile text
     * @param buildArgs the build arguments, in any order
     * @return the first 10 hex digits of the SHA-256 over the Dockerfile, then {@code "\n" + name + "=" + value} for
     *         each argument sorted by name
     */
    public static String recipeHash(String dockerfile, Map<String, String> buildArgs) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(dockerfile.getBytes(StandardCharsets.UTF_8));
            new TreeMap<>(buildArgs).forEach((k, v) -> digest.update(("\n" + k + "=" + v).getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(digest.digest()).substring(0, HASH_HEX_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "AgentImageRecipe[" + repository + ":" + release.getProperty("version", "?") + "]";
    }

    private static String read(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new BottleException("resource " + absolute(owner, name) + " is missing from " + jar(owner)
                        + "; rebuild the provider jar with its resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BottleException("cannot read resource " + absolute(owner, name) + " from " + jar(owner), e);
        }
    }

    private static String absolute(Class<?> owner, String name) {
        if (name.startsWith("/")) {
            return name.substring(1);
        }
        String pkg = owner.getPackageName();
        return pkg.isEmpty() ? name : pkg.replace('.', '/') + "/" + name;
    }

    /** Names the jar (or classes directory) {@code owner} was loaded from, for messages. */
    private static String jar(Class<?> owner) {
        try {
            CodeSource source = owner.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null) {
                return "the jar of " + owner.getName() + " (" + source.getLocation() + ")";
            }
        } catch (SecurityException e) {
            // fall through to the class name alone
        }
        return "the jar of " + owner.getName();
    }
}
