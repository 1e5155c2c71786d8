package dev.botbottle.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GatewayAudit;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.Secret;
import dev.botbottle.spi.SuperviseService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway program's control channel: a Unix domain socket in a 0700 directory. Each connection starts with one
 * JSON request carrying the control token; the answer is one JSON line ({@code ok}, or {@code error} with its kind),
 * or a stream of lines for {@code readAudit}, {@code followAudit} and {@code desk}.
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    /** Audit entries a slow follower may have queued before the oldest are dropped. */
    private static final int FOLLOW_QUEUE = 10_000;
    private static final int MAX_CONNECTIONS = 64;

    private final Path socket;
    private final byte[] token;
    private final List<GatewayService> services;
    private final Map<String, Secret> credentials;
    private final GatewayDesk desk;
    private final Runnable stop;
    private final ServerSocketChannel server;
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "gateway-control");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger open = new AtomicInteger();

    /**
     * Binds the socket and starts accepting.
     *
     * @param socket the socket's path (its directory exists, mode 0700)
     * @param token the token every request carries
     * @param services the running services
     * @param credentials the credentials the services resolve from (new routes add to it)
     * @param desk the proposal desk the runtime serves
     * @param stop asked to stop the program
     * @throws IOException when the socket cannot be bound
     */
    public ControlServer(Path socket, String token, List<GatewayService> services, Map<String, Secret> credentials,
                         GatewayDesk desk, Runnable stop) throws IOException {
        this.socket = socket;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.services = List.copyOf(services);
        this.credentials = credentials;
        this.desk = desk;
        this.stop = stop;
        Files.deleteIfExists(socket);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread accept = new Thread(this::accept, "gateway-control-accept");
        accept.setDaemon(true);
        accept.start();
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel channel = server.accept();
                if (open.incrementAndGet() > MAX_CONNECTIONS) {
                    open.decrementAndGet();
                    channel.close();
                    LOG.warn("refused a control connection: {} are open", MAX_CONNECTIONS);
                    continue;
                }
                connections.execute(() -> {
                    try (Lines lines = Lines.of(channel)) {
                        handle(lines);
                    } catch (IOException | RuntimeException e) {
                        LOG.debug("control connection ended: {}", e.toString());
                    } finally {
                        open.decrementAndGet();
                    }
                });
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.warn("control socket accept failed: {}", e.getMessage());
                }
            }
        }
    }

    private void handle(Lines lines) throws IOException {
        String first = lines.read();
        if (first == null) {
            return;
        }
        JsonNode request = Wire.parse(first);
        if (!MessageDigest.isEqual(token, request.path("token").asText("").getBytes(StandardCharsets.UTF_8))) {
            lines.write(Wire.line(Wire.error(new BottleException("wrong control token"))));
            LOG.warn("refused a control request without this gateway's token");
            return;
        }
        String op = request.path("op").asText("");
        try {
            switch (op) {
                case "readAudit" -> readAudit(lines);
                case "followAudit" -> followAudit(lines);
                case "desk" -> desk.serve(lines);
                default -> lines.write(Wire.line(answer(op, request)));
            }
        } catch (RuntimeException e) {
            lines.write(Wire.line(Wire.error(e)));
        }
    }

    private ObjectNode answer(String op, JsonNode request) {
        ObjectNode ok = Wire.object();
        ok.put("ok", true);
        switch (op) {
            case "bottleSteps" -> ok.set("steps", Wire.tree(service(request).bottleSteps(
                    Wire.read(request.path("reach"), HostReach.class)).toArray(new ProvisionStep[0]),
                    ProvisionStep[].class));
            case "superviseEndpoint" -> {
                if (!(service(request) instanceof SuperviseService supervise)) {
                    throw new IllegalArgumentException("service " + request.path("service").asText()
                            + " is not a supervise server");
                }
                ok.set("endpoint", Wire.MAPPER.valueToTree(
                        supervise.endpoint(Wire.read(request.path("reach"), HostReach.class))));
            }
            case "auditEntries" -> {
                if (!(service(request) instanceof GatewayAudit audit)) {
                    throw new IllegalArgumentException("service " + request.path("service").asText()
                            + " keeps no audit");
                }
                ok.set("entries", Wire.MAPPER.valueToTree(audit.auditEntries()));
            }
            case "routes" -> ok.set("routes", Wire.MAPPER.valueToTree(egress().routes()));
            case "replaceRoutes" -> {
                request.path("credentials").fields().forEachRemaining(e ->
                        credentials.put(e.getKey(), Secret.of(e.getValue().asText())));
                egress().replaceRoutes(Arrays.asList(Wire.read(request.path("routes"), EgressRoute[].class)));
            }
            case "awaitReady" -> {
                try {
                    ok.put("ready", service(request).awaitReady(
                            java.time.Duration.ofMillis(Math.max(0, request.path("timeoutMillis").asLong()))));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    ok.put("ready", false);
                }
            }
            case "ping" -> ok.put("services", services.size());
            case "stop" -> stop.run();
            default -> throw new IllegalArgumentException("unknown control operation '" + op + "'");
        }
        return ok;
    }

    private void readAudit(Lines lines) throws IOException {
        for (EgressAuditEntry entry : egress().readAudit()) {
            lines.write(Wire.line(Map.of("entry", entry)));
        }
        lines.write("{\"ok\":true,\"end\":true}");
    }

    private void followAudit(Lines lines) throws IOException {
        BlockingQueue<EgressAuditEntry> queue = new ArrayBlockingQueue<>(FOLLOW_QUEUE);
        AtomicInteger dropped = new AtomicInteger();
        try (EgressControl.Subscription ignored = egress().followAudit(entry -> {
            if (!queue.offer(entry)) {
                dropped.incrementAndGet();
            }
        })) {
            lines.write("{\"ok\":true}");
            while (server.isOpen()) {
                EgressAuditEntry next = queue.poll(1, TimeUnit.SECONDS);
                int lost = dropped.getAndSet(0);
                if (lost > 0) {
                    LOG.warn("an audit follower is too slow: {} entries were not sent to it", lost);
                }
                // a heartbeat when idle tells a follower that went away from one still listening
                lines.write(next == null ? "{\"heartbeat\":true}" : Wire.line(Map.of("entry", next)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private GatewayService service(JsonNode request) {
        String name = request.path("service").asText("");
        return services.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("this gateway runs no service '" + name + "'"));
    }

    private EgressControl egress() {
        for (GatewayService s : services) {
            if (s instanceof EgressControl control) {
                return control;
            }
        }
        throw new IllegalArgumentException("this gateway runs no egress service");
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the control socket: {}", e.getMessage());
        }
        connections.shutdownNow();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.debug("removing the control socket: {}", e.getMessage());
        }
    }

}
