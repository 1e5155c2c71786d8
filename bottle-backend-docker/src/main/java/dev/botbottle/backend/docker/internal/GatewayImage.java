package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.support.HostFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The gateway image ({@code docker.gateway=container}): built locally {@code FROM} the base image, holding a Java
 * runtime made from this JVM ({@code jlink} of its modules when it has {@code jmods}, else a copy of its home with
 * links followed) under {@code /opt/bot-bottle/jre} and the gateway program's class path under
 * {@code /opt/bot-bottle/lib}. Its tag is a hash of the base image's id, this JVM and every class path entry's names,
 * sizes and modification times, so a rebuilt jar makes a new image and an unchanged one is built once; older gateway
 * images are removed after a build (those a container still uses stay).
 */
final class GatewayImage {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayImage.class);
    static final String REPOSITORY = "bot-bottle/gateway";
    static final String HOME = "/opt/bot-bottle";
    static final String JAVA = HOME + "/jre/bin/java";
    private static final Duration JLINK_TIMEOUT = Duration.ofMinutes(10);

    /** A built image: its tag and the program's class path inside it. */
    record Built(String reference, List<String> classPath) {
    }

    private final DockerCli docker;
    private final Images images;
    private final CommandRunner runner;
    private final String baseImage;
    private final Path javaHome;
    private final Map<String, Built> built = new ConcurrentHashMap<>();

    /**
     * @param docker the CLI
     * @param images builds images
     * @param runner runs {@code jlink}
     * @param baseImage the image it is built from
     * @param javaHome the Java runtime it carries a copy of
     */
    GatewayImage(DockerCli docker, Images images, CommandRunner runner, String baseImage, Path javaHome) {
        this.docker = docker;
        this.images = images;
        this.runner = runner;
        this.baseImage = baseImage;
        this.javaHome = javaHome;
    }

    /**
     * @param classPath the gateway program's class path on this host
     * @param progress receives the build's output
     * @return the image, built when the engine does not have it
     */
    Built ensure(List<Path> classPath, ProgressListener progress) {
        String baseId = docker.image(baseImage).map(ImageInfo::id).orElseThrow(() -> new BackendException(
                "docker.gateway=container builds the gateway image from the base image " + baseImage
                        + ", which the engine does not have; build it with scripts/build-base-image.sh"));
        String reference = REPOSITORY + ":" + key(baseId, classPath);
        return built.computeIfAbsent(reference, r -> {
            List<String> inside = insidePaths(classPath);
            synchronized (this) {
                if (!docker.imageExists(r)) {
                    build(r, classPath, progress);
                    removeOthers(r);
                }
            }
            return new Built(r, inside);
        });
    }

    private void build(String reference, List<Path> classPath, ProgressListener progress) {
        Path context = null;
        try {
            context = Files.createTempDirectory("bot-bottle-gateway-");
            progress.onProgress("image", "making the gateway image's Java runtime from " + javaHome);
            runtime(context.resolve("jre"));
            Path lib = Files.createDirectories(context.resolve("lib"));
            for (int i = 0; i < classPath.size(); i++) {
                Path entry = classPath.get(i);
                if (Files.exists(entry)) { // a class path may name entries that are not there; java skips them too
                    copy(entry, lib.resolve(entryName(i, entry)));
                }
            }
            Files.writeString(context.resolve("Dockerfile"), """
                    ARG BASE_IMAGE
                    FROM ${BASE_IMAGE}
                    COPY jre %1$s/jre
                    COPY lib %1$s/lib
                    """.formatted(HOME), StandardCharsets.UTF_8);
            images.build(reference, context, Map.of("BASE_IMAGE", baseImage),
                    Map.of(Names.ROLE_LABEL, Names.ROLE_GATEWAY_IMAGE), progress);
        } catch (IOException | UncheckedIOException e) {
            throw new BackendException("could not prepare the build context of the gateway image " + reference
                    + ": " + e.getMessage(), e);
        } finally {
            if (context != null && !HostFiles.deleteTreeQuietly(context)) {
                LOG.warn("could not delete build context {}", context);
            }
        }
    }

    /** A runtime with every module of this JVM (the program's libraries use several), or a copy of its home. */
    private void runtime(Path target) throws IOException {
        Path jmods = javaHome.resolve("jmods");
        Path jlink = javaHome.resolve("bin/jlink");
        if (Files.isDirectory(jmods) && Files.isExecutable(jlink)) {
            CommandResult r = runner.run(Command.of(JLINK_TIMEOUT, List.of(jlink.toString(), "--module-path",
                    jmods.toString(), "--add-modules", "ALL-MODULE-PATH", "--strip-debug", "--no-man-pages",
                    "--no-header-files", "--output", target.toString())));
            if (r.succeeded()) {
                return;
            }
            LOG.warn("jlink failed (exit {}): {}; copying {} instead", r.exitCode(), r.stderrText(), javaHome);
            HostFiles.deleteTreeQuietly(target);
        }
        copy(javaHome, target);
    }

    /** Copies a file, or a directory tree with its links followed (Debian's JDK links its configuration in). */
    private static void copy(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
            return;
        }
        try (Stream<Path> walk = Files.walk(from, FileVisitOption.FOLLOW_LINKS)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (p.equals(from.resolve("jmods"))) {
                    continue;
                }
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else if (!p.startsWith(from.resolve("jmods"))) {
                    Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** Removes the other gateway images; one a container still uses is refused by the engine and stays. */
    private void removeOthers(String keep) {
        CommandResult r = docker.run(List.of("image", "ls", "--filter", "label=" + Names.ROLE_LABEL + "="
                + Names.ROLE_GATEWAY_IMAGE, "--format", "{{.Repository}}:{{.Tag}}"));
        if (!r.succeeded()) {
            return;
        }
        for (String image : DockerOutput.lines(r.stdoutText())) {
            if (!image.equals(keep) && image.startsWith(REPOSITORY + ":")) {
                CommandResult removed = docker.run(List.of("rmi", image));
                LOG.debug("removing the older gateway image {}: {}", image, removed.succeeded() ? "done"
                        : removed.stderrText());
            }
        }
    }

    private static List<String> insidePaths(List<Path> classPath) {
        List<String> inside = new ArrayList<>();
        for (int i = 0; i < classPath.size(); i++) {
            inside.add(HOME + "/lib/" + entryName(i, classPath.get(i)));
        }
        return inside;
    }

    private static String entryName(int index, Path entry) {
        Path name = entry.getFileName();
        return "%03d-%s".formatted(index, name == null ? "root" : name.toString().replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    /** The image's tag: what it is built from, each class path entry's files with their sizes and times. */
    private String key(String baseId, List<Path> classPath) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, baseId);
            update(digest, javaHome.toAbsolutePath() + " " + System.getProperty("java.runtime.version"));
            for (Path entry : classPath) {
                update(digest, entry.toAbsolutePath().toString());
                if (Files.isDirectory(entry)) {
                    try (Stream<Path> walk = Files.walk(entry)) {
                        for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                                update(digest, entry.relativize(p) + " " + Files.size(p) + " "
                                        + Files.getLastModifiedTime(p).toMillis());
                            }
                        }
                    }
                } else if (Files.exists(entry)) {
                    update(digest, Files.size(entry) + " " + Files.getLastModifiedTime(entry).toMillis());
                }
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        } catch (IOException e) {
            throw new BackendException("cannot read the gateway program's class path to name its image: "
                    + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }
}
