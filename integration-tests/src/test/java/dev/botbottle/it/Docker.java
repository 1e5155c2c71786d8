package dev.botbottle.it;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Small helpers to look at the real engine from tests (argv arrays, never shell strings). */
final class Docker {
    static final String BASE_IMAGE = "bot-bottle/base:bookworm";

    private Docker() {
    }

    /** Skips the calling test, with the reason printed, when no engine answers or the base image is missing. */
    static void assumeEngine() {
        boolean up = run("docker", "info").exitCode() == 0;
        if (!up) {
            System.out.println("SKIPPED: no Docker engine answers `docker info`; run scripts/ensure-docker.sh");
        }
        Assumptions.assumeTrue(up, "no Docker engine answers `docker info`; run scripts/ensure-docker.sh");
        boolean image = run("docker", "image", "inspect", BASE_IMAGE).exitCode() == 0;
        if (!image) {
            System.out.println("SKIPPED: image " + BASE_IMAGE + " missing; run scripts/build-base-image.sh");
        }
        Assumptions.assumeTrue(image, "image " + BASE_IMAGE + " missing; run scripts/build-base-image.sh");
    }

    /** @return ids of containers labelled with the slug (any state) */
    static List<String> containers(String slug) {
        return lines(run("docker", "ps", "-a", "-q", "--filter", "label=dev.botbottle.slug=" + slug).out());
    }

    /**
     * @return ids of the bottle's own containers (any state), without its gateway's ({@code docker.gateway=container}
     *         adds two, labelled {@code dev.botbottle.role})
     */
    static List<String> bottleContainers(String slug) {
        return lines(run("docker", "ps", "-a", "--filter", "label=dev.botbottle.slug=" + slug, "--format",
                "{{.ID}}\t{{.Label \"dev.botbottle.role\"}}").out()).stream().filter(l -> !l.contains("\t"))
                .toList();
    }

    /** @return ids of networks labelled with the slug */
    static List<String> networks(String slug) {
        return lines(run("docker", "network", "ls", "-q", "--filter", "label=dev.botbottle.slug=" + slug).out());
    }

    /** @return this host's address on the engine's default {@code bridge} (where a gateway container reaches it) */
    static String defaultBridgeAddress() {
        Result r = run("docker", "network", "inspect", "bridge", "--format", "{{(index .IPAM.Config 0).Gateway}}");
        if (r.exitCode() == 0 && !r.out().isBlank() && !r.out().contains("no value")) {
            return r.out().strip();
        }
        // some engines (Debian's docker.io 20.10) leave the default bridge's IPAM gateway out: read its interface
        Result name = run("docker", "network", "inspect", "bridge", "--format",
                "{{index .Options \"com.docker.network.bridge.name\"}}");
        try {
            java.net.NetworkInterface bridge = java.net.NetworkInterface.getByName(name.out().strip());
            if (bridge != null) {
                var address = bridge.inetAddresses().filter(java.net.Inet4Address.class::isInstance).findFirst();
                if (address.isPresent()) {
                    return address.get().getHostAddress();
                }
            }
        } catch (java.net.SocketException e) {
            throw new IllegalStateException("cannot read the default bridge's interface: " + e.getMessage(), e);
        }
        throw new IllegalStateException("cannot read the default bridge's address: " + r.out() + " / " + name.out());
    }

    static Result run(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return new Result(-1, out);
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        text.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(out::add);
        return out;
    }

    record Result(int exitCode, String out) {
    }
}
