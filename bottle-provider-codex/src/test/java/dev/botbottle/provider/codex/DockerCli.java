package dev.botbottle.provider.codex;

import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.support.HostTrust;
import org.junit.jupiter.api.Assumptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Drives the docker CLI from integration tests with argv arrays (no shell), standing in for the Docker backend
 * that is written concurrently. Builds agent images from an {@link ImageSpec} the way the backend does: the
 * Dockerfile, the spec's context files and a {@code host-ca/} directory with the host's extra CAs.
 */
final class DockerCli {
    static final String BASE_IMAGE = "bot-bottle/base:bookworm";

    record Result(int exitCode, String stdout, String stderr) {
        Result orFail(String what) {
            if (exitCode != 0) {
                throw new AssertionError(what + " failed with exit code " + exitCode + "\nstdout: " + stdout
                        + "\nstderr: " + stderr);
            }
            return this;
        }
    }

    private DockerCli() {
    }

    /** Skips the calling test, with the reason printed, when no Docker engine answers. */
    static void assumeDocker() {
        boolean up;
        try {
            up = run(List.of("docker", "info", "--format", "{{.ServerVersion}}"), null, Map.of(), Duration.ofSeconds(30))
                    .exitCode() == 0;
        } catch (UncheckedIOException e) {
            up = false;
        }
        if (!up) {
            System.out.println("SKIPPED: no Docker engine answers `docker info` (start one with scripts/ensure-docker.sh)");
        }
        Assumptions.assumeTrue(up, "no Docker engine answers `docker info`; start one with scripts/ensure-docker.sh");
    }

    static Result docker(String... args) {
        List<String> argv = new ArrayList<>(List.of("docker"));
        argv.addAll(List.of(args));
        return run(argv, null, Map.of(), Duration.ofMinutes(10));
    }

    static Result run(List<String> argv, byte[] stdin, Map<String, String> env, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            CompletableFuture<byte[]> out = drain(p.getInputStream());
            CompletableFuture<byte[]> err = drain(p.getErrorStream());
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out after " + timeout + ": " + argv.subList(0, Math.min(4, argv.size())));
            }
            return new Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in; ByteArrayOutputStream buf = new ByteArrayOutputStream()) {
                in.transferTo(buf);
                return buf.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static boolean imageExists(String reference) {
        return docker("image", "inspect", "--format", "{{.Id}}", reference).exitCode() == 0;
    }

    /** Builds the local base image with the project's script when it is missing. */
    static void ensureBaseImage() {
        if (imageExists(BASE_IMAGE)) {
            return;
        }
        Path script = repoRoot().resolve("scripts/build-base-image.sh");
        run(List.of("bash", script.toString()), null, Map.of(), Duration.ofMinutes(20)).orFail("build-base-image.sh");
    }

    /**
     * Builds {@code spec} unless its tag exists (cached by tag), and reports how long it took.
     *
     * @return the build time, zero when the image was cached
     */
    static Duration build(ImageSpec spec) throws IOException {
        if (imageExists(spec.reference())) {
            return Duration.ZERO;
        }
        Path context = Files.createTempDirectory("bot-bottle-it-build");
        try {
            Files.writeString(context.resolve("Dockerfile"), spec.dockerfile().orElseThrow());
            for (var e : spec.contextFiles().entrySet()) {
                Path f = context.resolve(e.getKey());
                Files.createDirectories(f.getParent());
                Files.write(f, e.getValue());
            }
            Path ca = Files.createDirectories(context.resolve("host-ca"));
            for (var e : HostTrust.system().files().entrySet()) {
                Files.writeString(ca.resolve(e.getKey()), e.getValue());
            }
            List<String> argv = new ArrayList<>(List.of("docker", "build", "-q", "-t", spec.reference()));
            spec.buildArgs().forEach((k, v) -> argv.addAll(List.of("--build-arg", k + "=" + v)));
            argv.add(context.toString());
            long start = System.nanoTime();
            run(argv, null, Map.of(), Duration.ofMinutes(30)).orFail("docker build " + spec.reference());
            return Duration.ofNanos(System.nanoTime() - start);
        } finally {
            try (Stream<Path> walk = Files.walk(context)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("scripts/build-base-image.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new AssertionError("cannot find the repository root (scripts/build-base-image.sh) above "
                    + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
