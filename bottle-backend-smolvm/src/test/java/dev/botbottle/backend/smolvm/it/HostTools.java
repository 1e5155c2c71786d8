package dev.botbottle.backend.smolvm.it;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the smolvm integration tests need from the host: a Docker engine, the base image, root for iptables. */
final class HostTools {

    static final String BASE_IMAGE = "bot-bottle/base:bookworm";

    private HostTools() {
    }

    /** Skips the calling class, printing why, when there is no engine or no iptables rights; builds the base image. */
    static void assumeDockerAndFirewall(String who) {
        Result info = run("docker", "info", "--format", "{{.ServerVersion}}");
        if (info.exit() != 0) {
            skip(who, "no Docker engine answers 'docker info' (" + info.out().strip() + "); run scripts/ensure-docker.sh");
        }
        if (run("iptables", "-w", "-S", "INPUT").exit() != 0) {
            skip(who, "iptables cannot be used (run as root with iptables installed)");
        }
        if (run("docker", "image", "inspect", BASE_IMAGE).exit() != 0) {
            Path script = Path.of("..", "scripts", "build-base-image.sh").toAbsolutePath().normalize();
            Result built = run(script.toString(), BASE_IMAGE);
            if (built.exit() != 0) {
                throw new IllegalStateException("could not build " + BASE_IMAGE + " with " + script + ": " + built.out());
            }
        }
    }

    private static void skip(String who, String reason) {
        System.err.println("SKIPPING " + who + ": " + reason);
        Assumptions.abort(reason);
    }

    record Result(int exit, String out) {
    }

    static Result run(String... argv) {
        try {
            Process p = new ProcessBuilder(List.of(argv)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(15, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return new Result(-1, out);
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(127, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
