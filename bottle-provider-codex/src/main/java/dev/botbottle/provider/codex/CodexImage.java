package dev.botbottle.provider.codex;

import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.ImageSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The Codex CLI agent image: the shipped Dockerfile and the pinned release ({@code codex-cli.properties}, the
 * one place the version lives).
 *
 * <p>The tag is {@code bot-bottle/codex:<version>-<hash>} where the hash covers the Dockerfile and the build
 * arguments, so a changed recipe or base image never reuses a stale cached image, and an unchanged one is built
 * once per engine.
 */
final class CodexImage {
    static final String DEFAULT_BASE_IMAGE = "bot-bottle/base:bookworm";
    static final String REPOSITORY = "bot-bottle/codex";

    private static final Release RELEASE = Release.load();
    private static final String DOCKERFILE = resource("Dockerfile");

    private CodexImage() {
    }

    /** @return the pinned Codex CLI version, e.g. {@code 0.171.0} */
    static String version() {
        return RELEASE.version();
    }

    /** @return the Dockerfile text shipped with the provider */
    static String dockerfile() {
        return DOCKERFILE;
    }

    /**
     * @param baseImage the image the agent image starts from
     * @return the buildable image spec
     */
    static ImageSpec spec(String baseImage) {
        Map<String, String> args = new TreeMap<>();
        args.put("BASE_IMAGE", baseImage);
        args.put("CODEX_VERSION", RELEASE.version());
        args.put("CODEX_SHA512_AMD64", RELEASE.sha512Amd64());
        args.put("CODEX_SHA512_ARM64", RELEASE.sha512Arm64());
        String reference = REPOSITORY + ":" + RELEASE.version() + "-" + recipeHash(DOCKERFILE, args);
        return new ImageSpec(reference, Optional.of(DOCKERFILE), args, Map.of());
    }

    static String recipeHash(String dockerfile, Map<String, String> sortedArgs) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(dockerfile.getBytes(StandardCharsets.UTF_8));
            sortedArgs.forEach((k, v) -> digest.update(("\n" + k + "=" + v).getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(digest.digest()).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = CodexImage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new BottleException("resource " + name + " is missing from the bottle-provider-codex jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + name, e);
        }
    }

    private record Release(String version, String sha512Amd64, String sha512Arm64) {
        static Release load() {
            Properties p = new Properties();
            try (InputStream in = CodexImage.class.getResourceAsStream("codex-cli.properties")) {
                Objects.requireNonNull(in, "codex-cli.properties is missing from the bottle-provider-codex jar");
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read codex-cli.properties", e);
            }
            return new Release(required(p, "version"), required(p, "sha512.linux-x64"), required(p, "sha512.linux-arm64"));
        }

        private static String required(Properties p, String key) {
            String value = p.getProperty(key, "").trim();
            if (value.isEmpty()) {
                throw new IllegalStateException("codex-cli.properties has no " + key);
            }
            return value;
        }
    }
}
