package dev.botbottle.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.botbottle.spi.BottleException;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The runtime's end of a gateway program's control channel: one connection per request. */
public final class ControlClient {

    /** Opens one connection to the program's control server. */
    @FunctionalInterface
    public interface Connector {
        /** @return a new connection @throws IOException when the program does not answer */
        Lines open() throws IOException;
    }

    private final Connector connector;
    private final String where;
    private final String token;
    private final String slug;

    /** @param socket the program's socket @param token its control token @param slug the bottle, for messages */
    public ControlClient(Path socket, String token, String slug) {
        this(() -> connect(socket), "at " + socket, token, slug);
    }

    /**
     * @param connector opens connections (over the program's standard input and output, say)
     * @param where where they go, for messages
     * @param token its control token
     * @param slug the bottle, for messages
     */
    public ControlClient(Connector connector, String where, String token, String slug) {
        this.connector = connector;
        this.where = where;
        this.token = token;
        this.slug = slug;
    }

    /** @param op an operation @return a request for it, carrying the token */
    public ObjectNode request(String op) {
        ObjectNode request = Wire.object();
        request.put("token", token);
        request.put("op", op);
        return request;
    }

    /**
     * @param request a request
     * @return the answer, when ok
     * @throws RuntimeException of the kind the gateway threw
     */
    public JsonNode call(ObjectNode request) {
        String op = request.path("op").asText();
        try (Lines lines = open()) {
            lines.write(Wire.line(request));
            String answer = lines.read();
            if (answer == null) {
                throw new BottleException("the gateway of bottle " + slug + " closed its control channel during "
                        + op);
            }
            return Wire.checked(Wire.parse(answer), op);
        } catch (IOException e) {
            throw unreachable(op, e);
        }
    }

    /**
     * Sends a request whose answer is a stream of lines, handing each to {@code line} until the stream ends.
     *
     * @param request the request
     * @param line receives each line; returns normally to go on
     */
    public void stream(ObjectNode request, Consumer<JsonNode> line) {
        String op = request.path("op").asText();
        try (Lines lines = open()) {
            lines.write(Wire.line(request));
            stream(lines, op, line);
        } catch (IOException e) {
            throw unreachable(op, e);
        }
    }

    /**
     * @param lines an open connection whose request was sent
     * @param op the operation, for messages
     * @param line receives each line
     * @throws IOException when the connection fails
     */
    public static void stream(Lines lines, String op, Consumer<JsonNode> line) throws IOException {
        String next;
        while ((next = lines.read()) != null) {
            JsonNode node = Wire.parse(next);
            if (node.has("ok") && !node.path("ok").asBoolean()) {
                Wire.checked(node, op);
            }
            if (node.path("end").asBoolean(false)) {
                return;
            }
            line.accept(node);
        }
    }

    /** @return a new connection @throws IOException when the program does not answer */
    public Lines open() throws IOException {
        return connector.open();
    }

    private static Lines connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return Lines.of(channel);
    }

    private BottleException unreachable(String op, IOException e) {
        return new BottleException("cannot reach the gateway of bottle " + slug + " (" + op + ") " + where + ": "
                + e.getMessage() + "; it may have ended, see gateway/gateway.log in its state directory", e);
    }
}
