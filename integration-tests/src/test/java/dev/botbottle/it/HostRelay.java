package dev.botbottle.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test double of a routed upstream address: relays TCP from this host's address on the engine's default bridge to
 * a loopback port, so a gateway in a container ({@code docker.gateway=container}) reaches the loopback upstreams the
 * tests start. One relay per loopback port, for the rest of the test JVM (daemon threads).
 */
final class HostRelay {

    private static final Map<Integer, Integer> RELAYS = new ConcurrentHashMap<>();

    private HostRelay() {
    }

    /**
     * @param loopbackPort the upstream's port on 127.0.0.1
     * @return the relay's port on {@link Docker#defaultBridgeAddress()}
     */
    static int to(int loopbackPort) {
        return RELAYS.computeIfAbsent(loopbackPort, HostRelay::start);
    }

    private static int start(int loopbackPort) {
        try {
            ServerSocket server = new ServerSocket(0, 256, InetAddress.getByName(Docker.defaultBridgeAddress()));
            daemon("relay-" + loopbackPort, () -> {
                while (true) {
                    Socket in = server.accept();
                    Socket out = new Socket("127.0.0.1", loopbackPort);
                    in.setTcpNoDelay(true);
                    out.setTcpNoDelay(true);
                    daemon("relay-up-" + loopbackPort, () -> pump(in, out));
                    daemon("relay-down-" + loopbackPort, () -> pump(out, in));
                }
            });
            return server.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot relay to loopback port " + loopbackPort + ": " + e.getMessage(), e);
        }
    }

    private static void pump(Socket from, Socket to) throws IOException {
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            in.transferTo(out);
        }
    }

    private interface Work {
        void run() throws IOException;
    }

    private static void daemon(String name, Work work) {
        Thread t = new Thread(() -> {
            try {
                work.run();
            } catch (IOException e) {
                // the peer closed or reset: the relayed connection ends with it
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }
}
