package dev.botbottle.core.escape;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Witness listeners on every address of this host, TCP and UDP, on ephemeral ports: whatever reaches one of them
 * from a bottle is a hole in its isolation. Each accepted connection or received datagram is noted (never answered)
 * and the socket closed.
 */
final class HostListeners implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HostListeners.class);

    /** One listener: its address and port, and whether it is TCP. */
    record Listener(InetAddress address, int port, boolean tcp) {
        /** @return {@code 172.18.0.1:4711} or {@code [fd00::2]:4711} */
        String hostPort() {
            return (address instanceof Inet6Address ? "[" + literal(address) + "]" : address.getHostAddress()) + ":"
                    + port;
        }
    }

    private final List<Listener> listeners = new ArrayList<>();
    private final List<AutoCloseable> sockets = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> heard = new ConcurrentLinkedQueue<>();

    private HostListeners() {
    }

    /** @return listeners on every address of every interface of this host (loopback included) */
    static HostListeners start() {
        HostListeners h = new HostListeners();
        for (InetAddress a : hostAddresses()) {
            try {
                ServerSocket tcp = new ServerSocket();
                tcp.bind(new InetSocketAddress(a, 0), 16);
                h.sockets.add(tcp);
                h.listeners.add(new Listener(a, tcp.getLocalPort(), true));
                thread("tcp " + a.getHostAddress(), () -> accept(tcp, h));
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress(a, 0));
                h.sockets.add(udp);
                h.listeners.add(new Listener(a, udp.getLocalPort(), false));
                thread("udp " + a.getHostAddress(), () -> receive(udp, h));
            } catch (IOException e) {
                LOG.debug("no witness listener on {}: {}", a, e.getMessage());
            }
        }
        return h;
    }

    /** @return every address of this host, IPv4 first */
    static List<InetAddress> hostAddresses() {
        List<InetAddress> v4 = new ArrayList<>();
        List<InetAddress> v6 = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    (a instanceof Inet6Address ? v6 : v4).add(a);
                }
            }
        } catch (SocketException e) {
            LOG.warn("cannot list this host's addresses: {}", e.getMessage());
        }
        List<InetAddress> all = new ArrayList<>(v4);
        all.addAll(v6);
        return all;
    }

    /** @return the address as a literal without a scope */
    static String literal(InetAddress a) {
        String s = a.getHostAddress();
        int pct = s.indexOf('%');
        return pct < 0 ? s : s.substring(0, pct);
    }

    private static void thread(String name, Runnable body) {
        Thread t = new Thread(body, "escape-witness " + name);
        t.setDaemon(true);
        t.start();
    }

    private static void accept(ServerSocket server, HostListeners h) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                h.heard.add("TCP " + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort() + " from "
                        + s.getRemoteSocketAddress());
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void receive(DatagramSocket socket, HostListeners h) {
        byte[] buf = new byte[2048];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                h.heard.add("UDP " + socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort() + " from "
                        + p.getSocketAddress());
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** @return the listeners */
    List<Listener> listeners() {
        return List.copyOf(listeners);
    }

    /** @return what reached a listener since the last call, and forgets it */
    List<String> drain() {
        List<String> out = new ArrayList<>();
        for (String s; (s = heard.poll()) != null; ) {
            out.add(s);
        }
        return out;
    }

    @Override
    public void close() {
        for (AutoCloseable s : sockets) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.debug("closing a witness listener: {}", e.getMessage());
            }
        }
    }
}
