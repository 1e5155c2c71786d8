package dev.botbottle.testkit.tck;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A host TCP listener that greets every connection with its own random token and closes it.
 *
 * <p>The TCK counts a port as reached only when the bottle read the token: a connect that some relay accepted on
 * the bottle's side but could not complete on the host's does not count.
 *
 * @since 0.1
 */
public final class TckListener implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ServerSocket socket;
    private final String token;
    private final Thread acceptor;

    private TckListener(ServerSocket socket) {
        this.socket = socket;
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        this.token = "tck-" + HexFormat.of().formatHex(bytes);
        this.acceptor = new Thread(this::serve, "tck-listener-" + socket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Listens on an ephemeral port of the given host address.
     *
     * @param address a host address (an IP literal)
     * @return the listener, accepting
     * @throws IOException when the address cannot be bound
     */
    public static TckListener on(String address) throws IOException {
        return on(InetAddress.getByName(address));
    }

    /**
     * @param address a host address
     * @return the listener, accepting
     * @throws IOException when the address cannot be bound
     */
    public static TckListener on(InetAddress address) throws IOException {
        return new TckListener(new ServerSocket(0, 50, address));
    }

    /** @return the address it listens on */
    public String address() {
        return socket.getInetAddress().getHostAddress();
    }

    /** @return the port it listens on */
    public int port() {
        return socket.getLocalPort();
    }

    /** @return the line every connection receives */
    public String token() {
        return token;
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept(); OutputStream out = client.getOutputStream()) {
                out.write((token + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // closed, or the client went away: keep serving until closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    @Override
    public String toString() {
        return "TckListener[" + address() + ":" + port() + "]";
    }
}
