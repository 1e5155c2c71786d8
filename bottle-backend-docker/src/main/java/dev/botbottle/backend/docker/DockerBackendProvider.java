package dev.botbottle.backend.docker;

import dev.botbottle.backend.docker.internal.Command;
import dev.botbottle.backend.docker.internal.CommandResult;
import dev.botbottle.backend.docker.internal.DockerBottleBackend;
import dev.botbottle.backend.docker.internal.DockerCli;
import dev.botbottle.backend.docker.internal.DockerDoctor;
import dev.botbottle.backend.docker.internal.DockerOutput;
import dev.botbottle.backend.docker.internal.EngineFacts;
import dev.botbottle.backend.docker.internal.ExecCommandRunner;
import dev.botbottle.backend.docker.internal.Executables;
import dev.botbottle.backend.docker.internal.HostFirewall;
import dev.botbottle.backend.docker.internal.Images;
import dev.botbottle.backend.docker.internal.PendingRuns;
import dev.botbottle.spi.Availability;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.Diagnostic;
import dev.botbottle.spi.ImageSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code docker} backend: runs each bottle as a container on its own {@code --internal} network, driving the
 * {@code docker} CLI, and limits what the bottle reaches on the host with a per-bottle iptables chain.
 *
 * <p>Registered in {@code META-INF/services/dev.botbottle.spi.BackendProvider}. Options read from
 * {@link BackendContext#options()}: {@code docker.binary} (the docker executable; default {@code docker} on
 * PATH) and {@code docker.iptables} (default {@code iptables} on PATH or in {@code /usr/sbin}, {@code /sbin}).
 * Host firewall rules need root; without them a bottle is created only when
 * {@link dev.botbottle.spi.BottleSpec#allowWeakIsolation()} allows it. When the engine offers gVisor's
 * {@code runsc} runtime, bottles use it.
 *
 * <p>One provider instance remembers what it learned of the engine for every backend it makes (gVisor, firewall
 * rights, image users, a positive availability answer for {@value #AVAILABLE_FOR_SECONDS} s) and knows the containers
 * they are starting, so a runtime asks the engine each thing once.
 *
 * @since 0.1
 */
public final class DockerBackendProvider implements BackendProvider {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(20);
    /** How long a positive availability answer is trusted before the engine is asked again. */
    static final int AVAILABLE_FOR_SECONDS = 10;

    private final EngineFacts facts = new EngineFacts();
    private final PendingRuns runs = new PendingRuns();
    private volatile long availableAt;
    private volatile boolean available;

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public DockerBackendProvider() {
    }

    @Override
    public String name() {
        return "docker";
    }

    @Override
    public Availability availability() {
        if (available && System.nanoTime() - availableAt < Duration.ofSeconds(AVAILABLE_FOR_SECONDS).toNanos()) {
            return Availability.ok();
        }
        Availability answer = probe();
        availableAt = System.nanoTime();
        available = answer.isAvailable();
        return answer;
    }

    private Availability probe() {
        Optional<Path> binary = Executables.find("docker", "/usr/bin", "/usr/local/bin");
        if (binary.isEmpty()) {
            return Availability.unavailable("docker binary not found on PATH; install Docker (e.g. apt-get install "
                    + "docker.io)");
        }
        CommandResult info;
        try {
            info = new ExecCommandRunner().run(new Command(
                    List.of(binary.get().toString(), "info", "--format", "{{.ServerVersion}}\t{{json .Runtimes}}"), Map.of(),
                    Optional.empty(), PROBE_TIMEOUT));
        } catch (BackendException e) {
            return Availability.unavailable("could not run " + binary.get() + ": " + e.getMessage());
        }
        if (info.timedOut()) {
            return Availability.unavailable("the Docker daemon does not answer: 'docker info' took longer than "
                    + PROBE_TIMEOUT.toSeconds() + " s");
        }
        if (!info.succeeded() || info.stdoutText().isBlank()) {
            return Availability.unavailable("the Docker daemon does not answer: " + info.stderrText()
                    + " — start dockerd (or check DOCKER_HOST and your rights on the docker socket)");
        }
        String[] parts = info.stdoutText().strip().split("\t", 2);
        if (parts.length == 2) {
            // what the check learned of the engine's runtimes, so describing a plan asks nothing more
            facts.learnRunsc(DockerOutput.runtimes(parts[1]).contains("runsc"));
        }
        return Availability.ok();
    }

    @Override
    public BottleBackend create(BackendContext context) {
        var runner = new ExecCommandRunner();
        var docker = new DockerCli(binary(context), runner);
        return new DockerBottleBackend(docker, new HostFirewall(iptables(context), runner),
                new Images(docker, context.hostCaCertificates()), context.progress(), facts, runs);
    }

    @Override
    public List<Diagnostic> diagnose(BackendContext context, List<ImageSpec> images) {
        if (Executables.find("docker", "/usr/bin", "/usr/local/bin").isEmpty() && !context.options()
                .containsKey("docker.binary")) {
            return List.of(Diagnostic.problem("docker", "no docker binary on PATH",
                    "scripts/ensure-docker.sh (installs docker.io and starts dockerd)"));
        }
        var runner = new ExecCommandRunner();
        return new DockerDoctor(new DockerCli(binary(context), runner), new HostFirewall(iptables(context), runner))
                .diagnose(images);
    }

    private static String binary(BackendContext context) {
        return context.options().getOrDefault("docker.binary",
                Executables.find("docker", "/usr/bin", "/usr/local/bin").map(Path::toString).orElse("docker"));
    }

    private static String iptables(BackendContext context) {
        return context.options().getOrDefault("docker.iptables",
                Executables.find("iptables", "/usr/sbin", "/sbin").map(Path::toString).orElse("iptables"));
    }
}
