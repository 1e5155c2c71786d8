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
import dev.botbottle.spi.support.HostProcessGatewayRunner;

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
 * PATH), {@code docker.iptables} (default {@code iptables} on PATH or in {@code /usr/sbin}, {@code /sbin}) and
 * {@value #GATEWAY_OPTION} ({@code in-process}, the default; {@code process}: each bottle's gateway services run
 * in a gateway program of their own on this host; {@code container}: that program runs in a container on the
 * bottle's network, from a gateway image built from the base image; see {@link #gatewayMode}) and
 * {@value #GATEWAY_BASE_OPTION} (the base image of {@code container}).
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

    /** The backend option naming where gateways run: {@code in-process}, {@code process} or {@code container}. */
    public static final String GATEWAY_OPTION = "docker.gateway";
    /** The system property giving {@link #GATEWAY_OPTION}'s default (the test suite sets it). */
    public static final String GATEWAY_PROPERTY = "bot-bottle.gateway.mode";
    /** The environment variable giving {@link #GATEWAY_OPTION}'s default when the property is not set. */
    public static final String GATEWAY_ENV = "BOT_BOTTLE_GATEWAY_MODE";
    static final String IN_PROCESS = "in-process";
    static final String PROCESS = "process";
    static final String CONTAINER = "container";
    /**
     * The backend option naming the image {@code docker.gateway=container} builds the gateway image from and idles
     * the gateway's holder container in; default {@code bot-bottle/base:bookworm}.
     */
    public static final String GATEWAY_BASE_OPTION = "docker.gateway.base-image";

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
        String mode = gatewayMode(context.options());
        DockerBottleBackend backend = new DockerBottleBackend(docker, new HostFirewall(iptables(context), runner),
                new Images(docker, context.hostCaCertificates()), context.progress(), facts, runs);
        return switch (mode) {
            case PROCESS -> backend.gatewaysRunBy(new HostProcessGatewayRunner());
            case CONTAINER -> backend.gatewaysInContainers(runner, context.options().getOrDefault(GATEWAY_BASE_OPTION,
                    DockerDoctor.BASE_IMAGE), Path.of(System.getProperty("java.home")));
            default -> backend;
        };
    }

    @Override
    public List<Diagnostic> diagnose(BackendContext context, List<ImageSpec> images) {
        if (Executables.find("docker", "/usr/bin", "/usr/local/bin").isEmpty() && !context.options()
                .containsKey("docker.binary")) {
            return List.of(Diagnostic.problem("docker", "no docker binary on PATH",
                    "scripts/ensure-docker.sh (installs docker.io and starts dockerd)"));
        }
        var runner = new ExecCommandRunner();
        List<Diagnostic> found = new java.util.ArrayList<>(new DockerDoctor(new DockerCli(binary(context), runner),
                new HostFirewall(iptables(context), runner)).diagnose(images));
        found.add(gatewayDiagnostic(context.options()));
        return found;
    }

    /** @return where this host's bottles' gateways run, and what {@code container} needs of this JVM */
    static Diagnostic gatewayDiagnostic(Map<String, String> options) {
        String mode;
        try {
            mode = gatewayMode(options);
        } catch (BackendException e) {
            return Diagnostic.problem("gateway mode", e.getMessage(), "set " + GATEWAY_OPTION + " to a valid mode");
        }
        return switch (mode) {
            case PROCESS -> Diagnostic.info("gateway mode", "process: each bottle's gateway services run in a gateway"
                    + " program of their own on this host");
            case CONTAINER -> {
                Path home = Path.of(System.getProperty("java.home"));
                boolean jmods = java.nio.file.Files.isDirectory(home.resolve("jmods"));
                yield Diagnostic.info("gateway mode", "container: each bottle's gateway program runs in a container on"
                        + " its network, from the gateway image built on first use from "
                        + options.getOrDefault(GATEWAY_BASE_OPTION, DockerDoctor.BASE_IMAGE) + " with "
                        + (jmods ? "a runtime jlinked from " : "a copy of ") + home);
            }
            default -> Diagnostic.info("gateway mode", "in-process: the gateway services run in the runtime's JVM ("
                    + GATEWAY_OPTION + "=process or container moves them out)");
        };
    }

    /**
     * Where each bottle's gateway services run: option {@value #GATEWAY_OPTION}, else system property
     * {@value #GATEWAY_PROPERTY}, else variable {@value #GATEWAY_ENV}: {@code in-process} (the default: in the
     * runtime's JVM), {@code process} (a gateway program of its own per bottle on this host, ADR 60) or
     * {@code container} (that program in a container on the bottle's network, ADR 14).
     *
     * @param options the backend options
     * @return the mode
     * @throws BackendException for another value
     */
    static String gatewayMode(Map<String, String> options) {
        String mode = options.getOrDefault(GATEWAY_OPTION, System.getProperty(GATEWAY_PROPERTY,
                Optional.ofNullable(System.getenv(GATEWAY_ENV)).filter(v -> !v.isBlank()).orElse(IN_PROCESS))).strip();
        if (!List.of(IN_PROCESS, PROCESS, CONTAINER).contains(mode)) {
            throw new BackendException("the docker backend's gateway mode is '" + mode + "' (option "
                    + GATEWAY_OPTION + ", property " + GATEWAY_PROPERTY + " or variable " + GATEWAY_ENV
                    + "); use '" + IN_PROCESS + "' (the default), '" + PROCESS + "' or '" + CONTAINER + "'");
        }
        return mode;
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
