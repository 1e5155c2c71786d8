package dev.botbottle.core.runtime;

import dev.botbottle.spi.BottleException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Where other processes on the same bot-bottle home reach a warm pool: a Unix socket
 * {@code <home>/pools/<agent>.sock} (owner-only, like the state directory). One request line, one answer line:
 * {@code CLAIM <shape>} answers {@code SLUG <slug>} (the bottle is handed over: the asking process takes it over) or
 * {@code NONE}; {@code STATUS} answers {@code POOL <agent> <size> <available> <pid>}.
 */
final class PoolDoor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PoolDoor.class);
    /** Longest request or answer line; longer input is refused. */
    private static final int MAX_LINE = 512;

    /** What {@code STATUS} tells of a pool. */
    record Status(String agent, int size, int available, long pid) {
    }

    private final Path socket;
    private final ServerSocketChannel server;
    private final Thread acceptor;

    private PoolDoor(Path socket, ServerSocketChannel server, Function<String, String> answer) {
        this.socket = socket;
        this.server = server;
        this.acceptor = new Thread(() -> serve(answer), "bottle-pool-door");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Opens the pool's door.
     *
     * @throws BottleException when a pool of the agent already runs on this home
     */
    static PoolDoor open(Path home, String agent, Function<String, String> answer) {
        Path socket = socket(home, agent);
        try {
            Files.createDirectories(socket.getParent());
            Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwx------"));
            if (Files.exists(socket)) {
                if (ask(socket, "STATUS").isPresent()) {
                    throw new BottleException("a warm pool of agent " + agent + " already runs on " + home
                            + "; stop it first (`bottle pool stop " + agent + "`)");
                }
                Files.delete(socket); // left by a pool whose process died
            }
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            return new PoolDoor(socket, server, answer);
        } catch (IOException e) {
            throw new BottleException("could not open the warm pool's socket " + socket + ": " + e.getMessage(), e);
        }
    }

    /** @return the slug another process's pool handed over for a launch of this shape, or empty */
    static Optional<String> claim(Path home, String agent, String shape) {
        Path socket = socket(home, agent);
        if (!Files.exists(socket)) {
            return Optional.empty();
        }
        return ask(socket, "CLAIM " + shape).filter(a -> a.startsWith("SLUG ")).map(a -> a.substring(5).strip());
    }

    /** @return the pools running on this home, as their doors tell */
    static List<Status> list(Path home) {
        Path dir = home.resolve("pools");
        List<Status> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path socket : files.filter(f -> f.getFileName().toString().endsWith(".sock")).sorted().toList()) {
                ask(socket, "STATUS").map(String::strip).map(a -> a.split(" ")).filter(f -> f.length == 5
                        && f[0].equals("POOL")).ifPresent(f -> out.add(new Status(f[1], Integer.parseInt(f[2]),
                        Integer.parseInt(f[3]), Long.parseLong(f[4]))));
            }
        } catch (IOException | NumberFormatException e) {
            LOG.debug("could not list the warm pools in {}: {}", dir, e.toString());
        }
        return out;
    }

    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.debug("closing the pool socket {}: {}", socket, e.toString());
        }
    }

    private static Path socket(Path home, String agent) {
        return home.resolve("pools").resolve(agent + ".sock");
    }

    private void serve(Function<String, String> answer) {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                Optional<String> request = readLine(client);
                String reply = request.map(answer).orElse("ERROR request too long or empty");
                client.write(ByteBuffer.wrap((reply + "\n").getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.debug("warm pool door {}: {}", socket, e.toString());
                }
            } catch (RuntimeException e) {
                LOG.warn("warm pool door {}: a request failed: {}", socket, e.getMessage());
            }
        }
    }

    /** @return the answer, or empty when nothing listens there */
    private static Optional<String> ask(Path socket, String request) {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            return readLine(channel);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> readLine(SocketChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_LINE);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                break;
            }
            for (int i = 0; i < buffer.position(); i++) {
                if (buffer.get(i) == '\n') {
                    return Optional.of(new String(buffer.array(), 0, i, StandardCharsets.UTF_8));
                }
            }
        }
        return Optional.empty();
    }
}
