package dev.botbottle.egress;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Resolves the host a bottle asked for to the address the gateway connects to upstream. The default resolves
 * through the host's own resolver; embedders with split-horizon DNS, and tests with a loopback upstream, supply
 * their own. TLS is still verified against the host name, never the address.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface UpstreamResolver {

    /**
     * @param host the route host the bottle asked for (lower case)
     * @param port the port
     * @return the address to connect to
     * @throws IOException when the host cannot be resolved
     */
    InetSocketAddress resolve(String host, int port) throws IOException;

    /** @return the resolver of the host ({@link java.net.InetAddress#getByName}) */
    static UpstreamResolver system() {
        return (host, port) -> {
            InetSocketAddress a = new InetSocketAddress(host, port);
            if (a.isUnresolved()) {
                throw new java.net.UnknownHostException(host);
            }
            return a;
        };
    }
}
