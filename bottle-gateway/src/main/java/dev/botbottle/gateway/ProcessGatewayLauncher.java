package dev.botbottle.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.botbottle.egress.EgressLimits;
import dev.botbottle.gateway.internal.ControlClient;
import dev.botbottle.gateway.internal.Lines;
import dev.botbottle.gateway.internal.RemoteGateway;
import dev.botbottle.gateway.internal.RemoteServices;
import dev.botbottle.gateway.internal.StdioChannels;
import dev.botbottle.gateway.internal.Wire;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.GatewayLauncher;
import dev.botbottle.spi.GatewayPorts;
import dev.botbottle.spi.GatewayProgram;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GatewayRunner;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.GitRemote;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * Starts a bottle's gateway services in a {@link GatewayMain} program (DESIGN §12, ADR 60): derives the
 * {@link GatewayConfig} from the request, has the runner start the program with this JVM's class path, writes the
 * configuration, the credentials the routes name and a fresh control token to the program's standard input (the only
 * channel that carries them), waits for its ready line, and hands back stand-ins that talk to it over its control
 * socket.
 *
 * <p>Registered in {@code META-INF/services/dev.botbottle.spi.GatewayLauncher}.
 *
 * @since 0.3
 */
public final class ProcessGatewayLauncher implements GatewayLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessGatewayLauncher.class);
    /** How long a program may take from its start to its ready line (a JVM start, TLS set-up, warm-up). */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    /** A Unix socket's path is at most 107 bytes on Linux. */
    private static final int MAX_SOCKET_PATH = 100;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<Path> classPath;
    private final Map<String, String> upstreamAddresses;
    private final Optional<EgressLimits> egressLimits;

    /** A launcher whose programs run with this JVM's class path; {@link java.util.ServiceLoader} calls this. */
    public ProcessGatewayLauncher() {
        this(Arrays.stream(System.getProperty("java.class.path", "").split(File.pathSeparator))
                .filter(s -> !s.isBlank()).map(Path::of).toList());
    }

    /** @param classPath the gateway program's class path: bottle-gateway, the services and their libraries */
    public ProcessGatewayLauncher(List<Path> classPath) {
        this(classPath, Map.of(), Optional.empty());
    }

    private ProcessGatewayLauncher(List<Path> classPath, Map<String, String> upstreamAddresses,
                                   Optional<EgressLimits> egressLimits) {
        this.classPath = List.copyOf(classPath);
        this.upstreamAddresses = Map.copyOf(upstreamAddresses);
        this.egressLimits = egressLimits;
    }

    /**
     * @param addresses fixed upstream addresses by host name ({@code "*"} for every other host), as {@code ip:port}
     *                  (split-horizon set-ups, tests with a loopback upstream); see {@link GatewayConfig}
     * @return a launcher whose programs' egress gateways connect there instead of resolving the names
     */
    public ProcessGatewayLauncher withUpstreamAddresses(Map<String, String> addresses) {
        return new ProcessGatewayLauncher(classPath, addresses, egressLimits);
    }

    /** @param limits the egress gateway's bounds @return a launcher whose programs use them */
    public ProcessGatewayLauncher withEgressLimits(EgressLimits limits) {
        return new ProcessGatewayLauncher(classPath, upstreamAddresses, Optional.of(limits));
    }

    @Override
    public List<GatewayService> launch(GatewayRequest request, List<String> services, Map<String, Integer> ports,
                                       GatewayRunner runner) {
        Path controlDir = controlDirectory(request);
        Path socket = controlDir.resolve("control.sock");
        // a program that does not share this host's files sees them under its root, and is controlled over its stdio
        Optional<Path> root = runner.programRoot();
        UnaryOperator<Path> seen = p -> root.map(r -> GatewayRunner.placed(r, p)).orElse(p);
        List<GitRemote> remotes = request.remotes().stream().map(r -> r.identity().isEmpty() ? r
                : r.toBuilder().identity(seen.apply(r.identity().get())).build()).toList();
        GatewayConfig config = new GatewayConfig(request.slug(), services, request.bindAddress(), ports,
                seen.apply(request.stateDir()), root.map(r -> r.resolve("control/control.sock")).orElse(socket),
                request.routes(), remotes, request.extraCaFiles().stream().map(seen).toList(), upstreamAddresses,
                egressLimits, Optional.empty(), GatewayConfig.CREDENTIALS_FROM_STDIN);
        List<Path> readOnly = new ArrayList<>(request.extraCaFiles());
        request.remotes().stream().map(GitRemote::identity).flatMap(Optional::stream).forEach(readOnly::add);
        GatewayProgram program = GatewayProgram.builder(request.slug(), GatewayMain.class.getName())
                .classPath(classPath).stateDirectory(request.stateDir()).controlDirectory(controlDir)
                .arguments(root.isPresent() ? List.of(GatewayMain.CONTROL_OVER_STDIO) : List.of())
                .readOnlyFiles(readOnly).build();
        String token = token();
        GatewayRunner.Running running = runner.start(program);
        try {
            OutputStream stdin = running.stdin();
            StdioChannels channels = root.isPresent() ? StdioChannels.runtimeSide(stdin, request.slug()) : null;
            ControlClient client = channels == null ? new ControlClient(socket, token, request.slug())
                    : new ControlClient(channels::open, "over its program's standard input and output", token,
                    request.slug());
            RemoteGateway gateway = new RemoteGateway(request.slug(), running, client, request.credentials());
            Lines toProgram = new Lines(InputStream.nullInputStream(), stdin, stdin);
            toProgram.write(Wire.line(new GatewayConfig.Start(config,
                    gateway.credentialsFor(request.routes()), token)));
            Lines fromProgram = new Lines(running.stdout(), OutputStream.nullOutputStream(), running.stdout());
            JsonNode ready = awaitReady(request.slug(), running, fromProgram);
            Wire.checked(ready, "starting the gateway program of bottle " + request.slug());
            if (channels != null) {
                channels.start(fromProgram.rest(), () -> LOG.info("the gateway program of bottle {} closed its "
                        + "standard output", request.slug()));
            }
            List<GatewayService> handed = new ArrayList<>();
            for (JsonNode s : ready.path("services")) {
                handed.add(RemoteServices.of(gateway, s.path("name").asText(), s.path("port").asInt(),
                        new GatewayPorts(ints(s.path("tcp")), ints(s.path("udp")))));
            }
            gateway.handOut(handed);
            // proposals and credential refreshes of the program are answered here
            gateway.serveDesk(request.proposals());
            LOG.info("gateway program of bottle {} runs as process {}: {}", request.slug(), running.pid(), handed);
            return handed;
        } catch (IOException e) {
            running.close();
            throw new BottleException("cannot talk to the gateway program of bottle " + request.slug() + ": "
                    + e.getMessage() + tail(running), e);
        } catch (RuntimeException e) {
            running.close();
            throw e;
        }
    }

    private static JsonNode awaitReady(String slug, GatewayRunner.Running running, Lines fromProgram)
            throws IOException {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return fromProgram.read();
            } catch (IOException e) {
                throw new BottleException(e.getMessage(), e);
            }
        });
        try {
            String ready = line.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (ready == null) {
                throw new BottleException("the gateway program of bottle " + slug + " ended before it was ready"
                        + tail(running));
            }
            return Wire.parse(ready);
        } catch (TimeoutException e) {
            throw new BottleException("the gateway program of bottle " + slug + " was not ready after "
                    + READY_TIMEOUT.toSeconds() + " s" + tail(running));
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BottleException("interrupted while the gateway program of bottle " + slug + " started");
        }
    }

    private static String tail(GatewayRunner.Running running) {
        String tail = running.logTail();
        return tail.isBlank() ? "" : "; its log ends with:\n" + tail;
    }

    /**
     * The control socket's directory, mode 0700: {@code gateway/} in the state directory, or a private temporary
     * directory when that path is too long for a Unix socket.
     */
    static Path controlDirectory(GatewayRequest request) {
        Path inState = request.stateDir().toAbsolutePath().resolve("gateway");
        try {
            var owner = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
            if (inState.resolve("control.sock").toString().length() <= MAX_SOCKET_PATH) {
                Files.createDirectories(inState.getParent());
                if (!Files.isDirectory(inState)) {
                    Files.createDirectory(inState, owner);
                }
                Files.setPosixFilePermissions(inState, PosixFilePermissions.fromString("rwx------"));
                return inState;
            }
            return Files.createTempDirectory("bottle-gw-", owner);
        } catch (IOException e) {
            throw new BottleException("cannot make the control directory of the gateway of bottle " + request.slug()
                    + " in " + inState.getParent() + ": " + e.getMessage(), e);
        }
    }

    private static String token() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> values = new ArrayList<>();
        array.forEach(n -> values.add(n.asInt()));
        return values;
    }
}
