package dev.botbottle.backend.smolvm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.botbottle.spi.support.HostFiles;
import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.support.BuildContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The image archives machines start from. smolvm pulls registry images inside the guest, which a machine limited
 * to its gateway cannot; so images come from the local Docker engine, built from the same Dockerfiles the Docker
 * backend uses when missing, and are handed to smolvm as {@code docker save} archives cached by image id under
 * {@code <home>/cache/smolvm/images/}. A reference that is itself an absolute path to an archive is used as is.
 */
public final class ImageArchives {

    private static final Logger LOG = LoggerFactory.getLogger(ImageArchives.class);
    private static final Duration INSPECT_TIMEOUT = Duration.ofMinutes(1);
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(60);
    private static final Duration SAVE_TIMEOUT = Duration.ofMinutes(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String docker;
    private final ProcessRunner runner;
    private final Path cache;
    private final Map<String, String> hostCaCertificates;

    /**
     * An archive and the image's labels.
     *
     * @param path the {@code docker save} archive
     * @param labels the image's labels (for {@code dev.botbottle.user})
     */
    public record Archive(Path path, Map<String, String> labels) {
        public Archive {
            labels = Map.copyOf(labels);
        }
    }

    /**
     * @param docker the docker executable
     * @param runner runs it
     * @param cache where archives are kept
     * @param hostCaCertificates the host's extra CA certificates for builds, file name to PEM
     */
    public ImageArchives(String docker, ProcessRunner runner, Path cache, Map<String, String> hostCaCertificates) {
        this.docker = docker;
        this.runner = runner;
        this.cache = cache;
        this.hostCaCertificates = Map.copyOf(hostCaCertificates);
    }

    /** @return whether the reference names an archive on disk rather than an image */
    public static boolean isArchivePath(String reference) {
        return reference.startsWith("/") && (reference.endsWith(".tar") || reference.endsWith(".tar.gz")
                || reference.endsWith(".tgz"));
    }

    /**
     * Finds or makes the image's archive.
     *
     * @param image the image
     * @param progress receives build and save progress (stage {@code image})
     * @return the archive
     */
    public Archive ensure(ImageSpec image, ProgressListener progress) {
        String reference = image.reference();
        if (isArchivePath(reference)) {
            Path path = Path.of(reference);
            if (!Files.isRegularFile(path)) {
                throw new BackendException("image archive " + reference + " does not exist");
            }
            return new Archive(path, Map.of());
        }
        Optional<JsonNode> inspected = inspect(reference);
        if (inspected.isEmpty()) {
            if (!image.buildable()) {
                throw new BackendException("image '" + reference + "' is not present on the local Docker engine and "
                        + "this bottle gives no Dockerfile to build it; smolvm machines start from docker save archives "
                        + "of local images: build or load it first (docker build / docker load), or give the bottle an "
                        + "absolute path to an archive");
            }
            build(image, progress);
            inspected = inspect(reference);
            if (inspected.isEmpty()) {
                throw new BackendException("docker built image '" + reference + "' but cannot find it afterwards");
            }
        }
        String id = inspected.get().path("Id").asText().replace("sha256:", "");
        Map<String, String> labels = new LinkedHashMap<>();
        inspected.get().path("Config").path("Labels").properties()
                .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        Path archive = cache.resolve(id.substring(0, Math.min(32, id.length())) + ".tar");
        if (!Files.isRegularFile(archive)) {
            save(reference, archive, progress);
        }
        return new Archive(archive, labels);
    }

    private Optional<JsonNode> inspect(String reference) {
        ProcessRunner.Captured r = run(List.of("image", "inspect", "--format", "{{json .}}", reference),
                INSPECT_TIMEOUT);
        if (!r.succeeded()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(r.out()));
        } catch (IOException e) {
            throw new BackendException("docker image inspect printed something that is not JSON: " + r.out(), e);
        }
    }

    private void save(String reference, Path archive, ProgressListener progress) {
        try {
            Files.createDirectories(cache);
            Path partial = Files.createTempFile(cache, ".saving-", ".tar");
            try {
                progress.onProgress("image", "saving " + reference + " for smolvm");
                ProcessRunner.Captured r = run(List.of("save", "-o", partial.toString(), reference), SAVE_TIMEOUT);
                if (!r.succeeded()) {
                    throw new BackendException("docker could not save image '" + reference + "' (exit "
                            + r.exitCode() + "): " + (r.timedOut() ? "timed out" : r.err()));
                }
                try {
                    Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException e) {
            throw new BackendException("could not keep the archive of image '" + reference + "' in " + cache + ": "
                    + e.getMessage(), e);
        }
    }

    private void build(ImageSpec image, ProgressListener progress) {
        Path context = null;
        try {
            context = Files.createTempDirectory("bot-bottle-build-");
            BuildContext.write(context, image, hostCaCertificates);
            progress.onProgress("image", "building " + image.reference());
            List<String> args = new ArrayList<>(List.of("build", "-t", image.reference(), "-f",
                    context.resolve("Dockerfile").toString(), "--label", Names.MANAGED_LABEL + "=true"));
            image.buildArgs().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> args.addAll(List.of("--build-arg", e.getKey() + "=" + e.getValue())));
            args.add(context.toString());
            var tail = new TailLines(progress);
            ProcessRunner.Outcome o = runner.execute(ProcessRunner.Invocation.of(BUILD_TIMEOUT, argv(args)), tail, tail);
            if (o.timedOut() || o.exitCode() != 0) {
                throw new BackendException("docker could not build image '" + image.reference() + "' ("
                        + (o.timedOut() ? "timed out" : "exit " + o.exitCode()) + "); last output:\n" + tail.tail());
            }
        } catch (IOException e) {
            throw new BackendException("could not prepare the build context for image '" + image.reference() + "': "
                    + e.getMessage(), e);
        } finally {
            if (context != null) {
                deleteQuietly(context);
            }
        }
    }

    private ProcessRunner.Captured run(List<String> args, Duration timeout) {
        return runner.capture(ProcessRunner.Invocation.of(timeout, argv(args)));
    }

    private List<String> argv(List<String> args) {
        List<String> argv = new ArrayList<>();
        argv.add(docker);
        argv.addAll(args);
        return argv;
    }

    private static void deleteQuietly(Path dir) {
        if (!HostFiles.deleteTreeQuietly(dir)) {
            LOG.warn("could not delete build context {}", dir);
        }
    }

    /** Hands build output lines to the progress listener and keeps the last 30 for an error. */
    private static final class TailLines extends OutputStream {
        private final ProgressListener progress;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final java.util.ArrayDeque<String> tail = new java.util.ArrayDeque<>();

        TailLines(ProgressListener progress) {
            this.progress = progress;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                progress.onProgress("image", text);
                tail.addLast(text);
                if (tail.size() > 30) {
                    tail.removeFirst();
                }
            } else if (line.size() < 8192) {
                line.write(b);
            }
        }

        synchronized String tail() {
            return String.join("\n", tail);
        }
    }
}
