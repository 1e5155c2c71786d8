package dev.botbottle.backend.docker.it;

import dev.botbottle.backend.docker.DockerBackendProvider;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.ResourceLimits;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** What the integration tests need from the host: a Docker engine, the base image, host commands. */
final class DockerEngine {

    static final String BASE_IMAGE = "bot-bottle/base:bookworm";
    private static final SecureRandom RANDOM = new SecureRandom();

    private DockerEngine() {
    }

    /** Skips the calling test class, saying why, when no engine answers; builds the base image when missing. */
    static void assumeReady() {
        var info = host("docker", "info", "--format", "{{.ServerVersion}}");
        if (info.exit() != 0) {
            String reason = "no Docker engine answers 'docker info' (" + info.err().strip()
                    + "); run scripts/ensure-docker.sh to start one";
            System.err.println("SKIPPING Docker integration tests: " + reason);
            Assumptions.assumeTrue(false, reason);
        }
        if (host("docker", "image", "inspect", BASE_IMAGE).exit() != 0) {
            Path script = Path.of("..", "scripts", "build-base-image.sh").toAbsolutePath().normalize();
            var built = host(script.toString(), BASE_IMAGE);
            if (built.exit() != 0) {
                throw new IllegalStateException("could not build " + BASE_IMAGE + " with " + script + ": " + built.err());
            }
        }
    }

    static BottleBackend backend() {
        return backend(ProgressListener.NONE);
    }

    static BottleBackend backend(ProgressListener progress) {
        return new DockerBackendProvider().create(new BackendContext(Path.of(System.getProperty("java.io.tmpdir")),
                progress, Map.of()));
    }

    static String slug(String prefix) {
        return prefix + "-" + Long.toString(Math.abs(RANDOM.nextLong()), 36).substring(0, 6);
    }

    static BottleSpec spec(String slug, ImageSpec image) {
        return new BottleSpec(slug, "it", image, Map.of("BOTTLE_KIND", "it"), Map.of("dev.botbottle.test", "true"),
                ResourceLimits.NONE, false);
    }

    static BottleSpec spec(String slug) {
        return spec(slug, ImageSpec.of(BASE_IMAGE));
    }

    /** The host's main (non-loopback, non-container) IPv4 address. */
    static Optional<InetAddress> mainAddress() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            String name = nic.getName();
            if (!nic.isUp() || nic.isLoopback() || name.startsWith("docker") || name.startsWith("bb-")
                    || name.startsWith("br-") || name.startsWith("veth")) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                    return Optional.of(address);
                }
            }
        }
        return Optional.empty();
    }

    record Run(int exit, String out, String err) {
    }

    /** Runs a host command (test code only). */
    static Run host(String... argv) {
        try {
            Path out = Files.createTempFile("it-out", ".txt");
            Path err = Files.createTempFile("it-err", ".txt");
            try {
                Process p = new ProcessBuilder(new ArrayList<>(List.of(argv))).redirectOutput(out.toFile())
                        .redirectError(err.toFile()).start();
                if (!p.waitFor(15, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("host command did not finish: " + List.of(argv));
                }
                return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return new Run(127, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
