package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.support.HostFiles;
import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.support.BuildContext;
import org.apache.commons.exec.LogOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;

/** Makes sure a bottle's image exists, building it from its Dockerfile when it may. */
public final class Images {

    private static final Logger LOG = LoggerFactory.getLogger(Images.class);
    /** Builds download toolchains (npm, apt); allow them time. */
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(60);
    private static final int STDERR_TAIL_LINES = 30;

    private final DockerCli docker;
    private final Map<String, String> hostCaCertificates;

    /**
     * @param docker the CLI
     * @param hostCaCertificates the host's extra CA certificates for build contexts, file name to PEM
     */
    public Images(DockerCli docker, Map<String, String> hostCaCertificates) {
        this.docker = docker;
        this.hostCaCertificates = Map.copyOf(hostCaCertificates);
    }

    /**
     * Ensures the image exists.
     *
     * @param image the spec
     * @param progress receives build output, stage {@code image}
     * @return the image's id and labels
     * @throws BackendException when the image is missing and cannot be built, or the build failed
     */
    public ImageInfo ensure(ImageSpec image, ProgressListener progress) {
        Optional<ImageInfo> present = docker.image(image.reference());
        if (present.isPresent()) {
            return present.get();
        }
        if (!image.buildable()) {
            throw new BackendException("image '" + image.reference() + "' is not present on the Docker engine and "
                    + "this bottle gives no Dockerfile to build it; build or load it first (docker build / "
                    + "docker load / docker import), or give the bottle an image that exists");
        }
        build(image, progress);
        return docker.image(image.reference()).orElseThrow(() -> new BackendException("docker built image '"
                + image.reference() + "' but cannot find it now; build it again"));
    }

    private void build(ImageSpec image, ProgressListener progress) {
        Path context = null;
        try {
            context = Files.createTempDirectory("bot-bottle-build-");
            writeContext(context, image);
            build(image.reference(), context, image.buildArgs(), Map.of(), progress);
        } catch (IOException e) {
            throw new BackendException("could not prepare the build context for image '" + image.reference()
                    + "': " + e.getMessage(), e);
        } finally {
            if (context != null) {
                deleteQuietly(context);
            }
        }
    }

    /**
     * Builds an image from a prepared context (holding {@code Dockerfile}), its output handed to the progress
     * listener.
     *
     * @param reference the tag
     * @param context the context directory; the caller removes it
     * @param buildArgs {@code --build-arg} values (not secret)
     * @param labels labels besides {@code dev.botbottle.managed=true}
     * @param progress receives the build's output, stage {@code image}
     * @throws BackendException when the build failed, with its last output
     */
    void build(String reference, Path context, Map<String, String> buildArgs, Map<String, String> labels,
               ProgressListener progress) {
        progress.onProgress("image", "building " + reference);
        LOG.info("building image {}", reference);
        var lines = new LineSink(progress);
        var errors = new LineSink(progress);
        Map<String, String> all = new java.util.TreeMap<>(labels);
        all.put(Names.MANAGED_LABEL, "true");
        CommandResult r = docker.stream(DockerArgs.build(reference, context, buildArgs, all),
                Map.of(), Optional.empty(), BUILD_TIMEOUT, lines, errors);
        try {
            lines.close();
            errors.close();
        } catch (IOException e) {
            // a LogOutputStream flushes its last line on close; nothing is written anywhere that could fail
        }
        if (!r.succeeded()) {
            throw new BackendException("docker could not build image '" + reference + "' ("
                    + (r.timedOut() ? "timed out after " + BUILD_TIMEOUT.toMinutes() + " minutes"
                    : "exit " + r.exitCode()) + "); last output:\n" + errors.tail(lines));
        }
        progress.onProgress("image", "built " + reference);
    }

    void writeContext(Path context, ImageSpec image) throws IOException {
        BuildContext.write(context, image, hostCaCertificates);
    }

    private static void deleteQuietly(Path dir) {
        if (!HostFiles.deleteTreeQuietly(dir)) {
            LOG.warn("could not delete build context {}", dir);
        }
    }

    /** Hands each output line of the build to the progress listener and keeps the last ones for an error. */
    private static final class LineSink extends LogOutputStream {
        private final ProgressListener progress;
        private final Deque<String> tail = new ArrayDeque<>();

        LineSink(ProgressListener progress) {
            this.progress = progress;
        }

        @Override
        protected synchronized void processLine(String line, int level) {
            progress.onProgress("image", line);
            tail.addLast(line);
            if (tail.size() > STDERR_TAIL_LINES) {
                tail.removeFirst();
            }
        }

        synchronized String tail(LineSink stdout) {
            Deque<String> lines = tail.isEmpty() ? stdout.tail : tail;
            return String.join("\n", lines);
        }
    }
}
