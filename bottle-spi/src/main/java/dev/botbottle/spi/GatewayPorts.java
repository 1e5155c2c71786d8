package dev.botbottle.spi;

import java.util.List;
import java.util.TreeSet;

/**
 * The ports a bottle may reach on {@link HostReach#bindAddress()}: those its gateway services listen on. A backend
 * lets the bottle reach exactly these and nothing else of the host.
 *
 * @param tcp TCP ports (the egress proxy, the git gate, supervise, the DNS responder's TCP side)
 * @param udp UDP ports (the DNS responder)
 * @since 0.2
 */
public record GatewayPorts(List<Integer> tcp, List<Integer> udp) {

    /** No ports. */
    public static final GatewayPorts NONE = new GatewayPorts(List.of(), List.of());

    public GatewayPorts {
        tcp = sortedDistinct(tcp);
        udp = sortedDistinct(udp);
    }

    /** @param ports TCP ports @return those TCP ports and no UDP */
    public static GatewayPorts tcp(List<Integer> ports) {
        return new GatewayPorts(ports, List.of());
    }

    /** @param port one TCP port @return that port and no UDP */
    public static GatewayPorts tcp(int port) {
        return tcp(List.of(port));
    }

    /** @param other more ports @return the union of both */
    public GatewayPorts plus(GatewayPorts other) {
        List<Integer> t = new java.util.ArrayList<>(tcp);
        t.addAll(other.tcp);
        List<Integer> u = new java.util.ArrayList<>(udp);
        u.addAll(other.udp);
        return new GatewayPorts(t, u);
    }

    private static List<Integer> sortedDistinct(List<Integer> ports) {
        for (int p : ports) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("gateway port " + p + " is not a port (1-65535)");
            }
        }
        return List.copyOf(new TreeSet<>(ports));
    }
}
