package dev.botbottle.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One host the bottle may reach through the egress gateway, and how.
 *
 * <p>A request is allowed only if its host matches a route ({@link #host()} exactly, or {@code *.suffix}) and,
 * when {@link #matches()} is not empty, at least one of them. A route with {@link #auth()} is always
 * TLS-intercepted and the gateway injects the real credential; such a route can never be
 * {@link #tlsPassthrough() passthrough}.
 *
 * @param host the host name, or {@code *.example.com} for every subdomain of {@code example.com}
 * @param auth the credential the gateway injects, if any
 * @param matches path and method rules; empty means every request to the host
 * @param tlsPassthrough splice TLS blind once the ClientHello SNI matches the host (no interception)
 * @param ports the TCP ports a CONNECT may target; empty means 443 only
 * @param dlp what the gateway does when outbound traffic carries a secret
 * @since 0.1
 */
public record EgressRoute(String host, Optional<RouteAuth> auth, List<RouteMatch> matches, boolean tlsPassthrough,
                          List<Integer> ports, DlpPolicy dlp) {

    public EgressRoute {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(dlp, "dlp");
        matches = List.copyOf(matches);
        ports = List.copyOf(ports);
        if (host.isBlank()) {
            throw new IllegalArgumentException("route host must not be blank");
        }
        if (auth.isPresent() && tlsPassthrough) {
            throw new IllegalArgumentException("route " + host + ": auth and tls_passthrough cannot be combined;"
                    + " a credential must never ride on a connection the gateway cannot see");
        }
    }

    /**
     * @param host the host name
     * @return a route allowing every request to {@code host} on port 443, without credentials
     */
    public static EgressRoute allow(String host) {
        return new EgressRoute(host, Optional.empty(), List.of(), false, List.of(), DlpPolicy.DEFAULT);
    }

    /**
     * @param host the host name
     * @param auth the credential to inject
     * @return a route allowing every request to {@code host}, with {@code auth} injected
     */
    public static EgressRoute withAuth(String host, RouteAuth auth) {
        return new EgressRoute(host, Optional.of(auth), List.of(), false, List.of(), DlpPolicy.DEFAULT);
    }

    /** @return the ports a CONNECT may target: {@link #ports()}, or 443 when none are given */
    public List<Integer> effectivePorts() {
        return ports.isEmpty() ? List.of(443) : ports;
    }
}
