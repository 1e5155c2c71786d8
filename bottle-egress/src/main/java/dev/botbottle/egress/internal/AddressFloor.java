package dev.botbottle.egress.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The SSRF floor: the gateway connects from the host's network, so an upstream address that is loopback,
 * link-local, private, CGNAT, multicast, unspecified, reserved, or one of the host's own, is refused unless the
 * route says {@code allow_private}. IPv4-mapped, NAT64 and 6to4 IPv6 addresses are judged by the IPv4 address
 * they carry.
 */
final class AddressFloor {

    private static final long HOST_ADDRESSES_TTL_NANOS = 30_000_000_000L;
    private static volatile Set<InetAddress> hostAddresses = Set.of();
    private static volatile long hostAddressesAt;

    private AddressFloor() {
    }

    /**
     * @param a a resolved upstream address
     * @return why the gateway must not connect to it, or empty when it is public
     */
    static Optional<String> refusal(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            if (isEmbedding(b, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff}, 12)
                    || isEmbedding(b, new byte[] {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0}, 12)) {
                return v4(new byte[] {b[12], b[13], b[14], b[15]}).map(r -> r + " (inside an IPv6 address)");
            }
            if (b[0] == 0x20 && b[1] == 0x02) {
                return v4(new byte[] {b[2], b[3], b[4], b[5]}).map(r -> r + " (inside a 6to4 address)");
            }
            if (a.isAnyLocalAddress()) {
                return Optional.of("unspecified");
            }
            if (a.isLoopbackAddress()) {
                return Optional.of("loopback");
            }
            if (a.isLinkLocalAddress() || a.isSiteLocalAddress()) {
                return Optional.of("link-local");
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return Optional.of("private (unique local fc00::/7)");
            }
            if (a.isMulticastAddress()) {
                return Optional.of("multicast");
            }
        } else {
            Optional<String> r = v4(b);
            if (r.isPresent()) {
                return r;
            }
        }
        return hostOwn().contains(a) ? Optional.of("one of this host's own addresses") : Optional.empty();
    }

    private static boolean isEmbedding(byte[] b, byte[] prefix, int len) {
        for (int i = 0; i < len; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static Optional<String> v4(byte[] b) {
        int o0 = b[0] & 0xff;
        int o1 = b[1] & 0xff;
        if (o0 == 0) {
            return Optional.of("unspecified (0.0.0.0/8)");
        }
        if (o0 == 127) {
            return Optional.of("loopback");
        }
        if (o0 == 10 || (o0 == 172 && o1 >= 16 && o1 < 32) || (o0 == 192 && o1 == 168)) {
            return Optional.of("private (RFC 1918)");
        }
        if (o0 == 169 && o1 == 254) {
            return Optional.of("link-local (cloud metadata lives here)");
        }
        if (o0 == 100 && o1 >= 64 && o1 < 128) {
            return Optional.of("shared address space (CGNAT 100.64/10)");
        }
        if (o0 == 192 && o1 == 0 && (b[2] & 0xff) == 0) {
            return Optional.of("reserved (192.0.0/24)");
        }
        if (o0 == 198 && (o1 == 18 || o1 == 19)) {
            return Optional.of("reserved (benchmarking 198.18/15)");
        }
        if (o0 >= 224) {
            return Optional.of(o0 < 240 ? "multicast" : "reserved (240/4)");
        }
        try {
            InetAddress a = Inet4Address.getByAddress(b);
            return hostOwn().contains(a) ? Optional.of("one of this host's own addresses") : Optional.empty();
        } catch (java.net.UnknownHostException e) {
            return Optional.of("malformed");
        }
    }

    /** @return the addresses of this host's interfaces, looked up again every 30 s */
    private static Set<InetAddress> hostOwn() {
        long now = System.nanoTime();
        if (now - hostAddressesAt > HOST_ADDRESSES_TTL_NANOS || hostAddresses.isEmpty()) {
            Set<InetAddress> out = new HashSet<>();
            try {
                var ifs = NetworkInterface.getNetworkInterfaces();
                while (ifs != null && ifs.hasMoreElements()) {
                    ifs.nextElement().inetAddresses().forEach(out::add);
                }
            } catch (SocketException e) {
                // keep the last known set
                return hostAddresses;
            }
            hostAddresses = Set.copyOf(out);
            hostAddressesAt = now;
        }
        return hostAddresses;
    }
}
