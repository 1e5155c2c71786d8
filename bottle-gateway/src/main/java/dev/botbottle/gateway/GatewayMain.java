package dev.botbottle.gateway;

import dev.botbottle.egress.EgressGatewayProvider;
import dev.botbottle.egress.EgressOptions;
import dev.botbottle.egress.UpstreamResolver;
import dev.botbottle.gateway.internal.ControlServer;
import dev.botbottle.gateway.internal.GatewayDesk;
import dev.botbottle.gateway.internal.Lines;
import dev.botbottle.gateway.internal.StdioChannels;
import dev.botbottle.gateway.internal.Wire;
import dev.botbottle.gitgate.GitGateOptions;
import dev.botbottle.gitgate.GitGateProvider;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.CredentialException;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.GatewayServiceProvider;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.Secret;
import dev.botbottle.supervise.SuperviseGatewayProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * The gateway program: runs one bottle's gateway services (egress, git gate, supervise, and any other
 * {@link GatewayServiceProvider} on the class path) out of the runtime's JVM, with the same providers the runtime
 * starts in process.
 *
 * <p>Protocol: the first line on standard input is a {@link GatewayConfig.Start} (configuration, credentials, control
 * token) as JSON. The program starts the services, listens on {@link GatewayConfig#controlSocket()}, and writes one
 * line to standard output: {@code {"ready":true,"services":[{"name":..,"port":..,"tcp":[..],"udp":[..]}]}}, or
 * {@code {"ready":false,"type":..,"error":..}} and exits 2. It then runs until its standard input ends (the runtime
 * that started it went away: the gateway fails closed with it) or the control channel says {@code stop}. Nothing
 * secret is ever on its command line, in its environment or in its log (standard error).
 *
 * @since 0.3
 */
public final class GatewayMain {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayMain.class);

    private GatewayMain() {
    }

    /** The argument that carries the control channel over standard input and output (ADR 18). */
    public static final String CONTROL_OVER_STDIO = "--control=stdio";

    /**
     * Runs the program on this process's standard input and output.
     *
     * @param args none, or {@link #CONTROL_OVER_STDIO}
     */
    public static void main(String[] args) {
        boolean stdio = Arrays.asList(args).contains(CONTROL_OVER_STDIO);
        for (String arg : args) {
            if (!arg.equals(CONTROL_OVER_STDIO)) {
                LOG.error("unknown argument '{}' (the only one is {})", arg, CONTROL_OVER_STDIO);
                Runtime.getRuntime().halt(2);
            }
        }
        // the program's standard output is a protocol pipe to its runtime, not a console: nothing else may print there
        FileOutputStream stdout = new FileOutputStream(FileDescriptor.out);
        System.setOut(new java.io.PrintStream(new FileOutputStream(FileDescriptor.err), true));
        int code = run(new FileInputStream(FileDescriptor.in), stdout, stdio);
        Runtime.getRuntime().halt(code);
    }

    /**
     * Runs the program, its control channel on its control socket.
     *
     * @param stdin where the start message comes from, then the lifeline
     * @param stdout where the ready line goes
     * @return the exit code: 0 after a stop, 2 when it could not start
     */
    public static int run(InputStream stdin, OutputStream stdout) {
        return run(stdin, stdout, false);
    }

    /**
     * Runs the program.
     *
     * @param stdin where the start message comes from, then the lifeline (and, with {@code controlOverStdio}, the
     *              control channel's frames)
     * @param stdout where the ready line goes (then, with {@code controlOverStdio}, the control channel's frames)
     * @param controlOverStdio whether the runtime reaches the control server over standard input and output
     *                         ({@link StdioChannels}) rather than at its socket
     * @return the exit code: 0 after a stop, 2 when it could not start
     */
    public static int run(InputStream stdin, OutputStream stdout, boolean controlOverStdio) {
        Lines in = new Lines(stdin, OutputStream.nullOutputStream(), stdin);
        Lines out = new Lines(InputStream.nullInputStream(), stdout, stdout);
        List<GatewayService> started = new ArrayList<>();
        ControlServer control = null;
        StdioChannels channels = null;
        try {
            String first = in.read();
            if (first == null) {
                throw new BottleException("no start message on standard input");
            }
            GatewayConfig.Start start = Wire.read(Wire.parse(first), GatewayConfig.Start.class);
            GatewayConfig config = start.config();
            Map<String, Secret> credentials = new ConcurrentHashMap<>();
            start.credentials().forEach((ref, value) -> credentials.put(ref, Secret.of(value)));
            GatewayDesk desk = new GatewayDesk();
            CredentialSource source = desk.credentials(credentials);
            for (String name : config.services()) {
                started.add(start(provider(name, config), config, source, desk));
            }
            CountDownLatch stopped = new CountDownLatch(1);
            makeSocketDirectory(config.controlSocket());
            control = new ControlServer(config.controlSocket(), start.controlToken(), started, credentials, desk,
                    stopped::countDown);
            List<Map<String, Object>> services = new ArrayList<>();
            for (GatewayService s : started) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", s.name());
                entry.put("port", s.port());
                entry.put("tcp", s.ports().tcp());
                entry.put("udp", s.ports().udp());
                services.add(entry);
            }
            out.write(Wire.line(Map.of("ok", true, "ready", true, "services", services)));
            LOG.info("gateway of bottle {} ready: {}", config.slug(), services);
            if (controlOverStdio) {
                // standard input is the lifeline still: its end ends the channels and the program
                channels = StdioChannels.programSide(in.rest(), stdout, config.slug(), config.controlSocket(),
                        stopped::countDown);
                stopped.await();
                LOG.info("gateway of bottle {} stopping", config.slug());
                return 0;
            }
            Thread lifeline = new Thread(() -> {
                try {
                    while (in.read() != null) {
                        // nothing more is expected on standard input; its end is the signal
                    }
                } catch (IOException e) {
                    LOG.debug("standard input failed: {}", e.getMessage());
                }
                stopped.countDown();
            }, "gateway-lifeline");
            lifeline.setDaemon(true);
            lifeline.start();
            stopped.await();
            LOG.info("gateway of bottle {} stopping", config.slug());
            return 0;
        } catch (IOException | RuntimeException e) {
            LOG.error("the gateway could not start: {}", e.getMessage());
            try {
                var failed = Wire.error(e instanceof RuntimeException r ? r : new BottleException(e.getMessage(), e));
                failed.put("ready", false);
                out.write(Wire.line(failed));
            } catch (IOException ignored) {
                // the runtime went away: it will not read the reason
            }
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } finally {
            if (channels != null) {
                channels.close();
            }
            if (control != null) {
                control.close();
            }
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (RuntimeException e) {
                    LOG.warn("stopping the {} gateway failed: {}", started.get(i).name(), e.getMessage());
                }
            }
        }
    }

    /** The control socket's directory, made (mode 0700) where the runner did not make it (a sidecar's own root). */
    private static void makeSocketDirectory(Path socket) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
    }

    /** Starts one service on its previous port, on a new one when that is taken (as the runtime does in process). */
    private static GatewayService start(GatewayServiceProvider provider, GatewayConfig config, CredentialSource source,
                                        GatewayDesk desk) {
        int previous = config.ports().getOrDefault(provider.name(), 0);
        GatewayRequest request = GatewayRequest.builder(config.slug()).bindAddress(config.bindAddress()).port(previous)
                .stateDir(config.stateDir()).routes(config.routes()).remotes(config.remotes()).credentials(source)
                .extraCaFiles(config.extraCaFiles()).progress(ProgressListener.NONE).proposals(desk).build();
        try {
            return provider.start(request);
        } catch (BottleException e) {
            if (previous == 0 || e instanceof CredentialException) {
                throw e;
            }
            LOG.warn("the {} gateway of {} cannot have port {} again ({}); taking a new one", provider.name(),
                    config.slug(), previous, e.getMessage());
            return provider.start(request.withPort(0));
        }
    }

    /** The built-in providers with the configuration's options; any other by name from the class path. */
    static GatewayServiceProvider provider(String name, GatewayConfig config) {
        switch (name) {
            case GatewayServiceProvider.EGRESS -> {
                EgressOptions options = EgressOptions.defaults();
                if (!config.upstreamAddresses().isEmpty()) {
                    options = options.withResolver(fixed(config.upstreamAddresses()));
                }
                if (config.egressLimits().isPresent()) {
                    options = options.withLimits(config.egressLimits().get());
                }
                return new EgressGatewayProvider(options);
            }
            case GatewayServiceProvider.GIT_GATE -> {
                return new GitGateProvider(config.gitMirrorRoot().map(GitGateOptions.defaults()::withMirrorRoot)
                        .orElse(GitGateOptions.defaults()));
            }
            case GatewayServiceProvider.SUPERVISE -> {
                return new SuperviseGatewayProvider();
            }
            default -> {
                for (GatewayServiceProvider p : ServiceLoader.load(GatewayServiceProvider.class)) {
                    if (p.name().equals(name)) {
                        return p;
                    }
                }
                throw new BottleException("no gateway service '" + name + "' on the gateway program's class path");
            }
        }
    }

    private static UpstreamResolver fixed(Map<String, String> addresses) {
        UpstreamResolver system = UpstreamResolver.system();
        return (host, port) -> {
            String fixed = addresses.getOrDefault(host, addresses.get("*"));
            if (fixed == null) {
                return system.resolve(host, port);
            }
            int colon = fixed.lastIndexOf(':');
            return new InetSocketAddress(java.net.InetAddress.getByName(fixed.substring(0, colon)),
                    Integer.parseInt(fixed.substring(colon + 1)));
        };
    }
}
