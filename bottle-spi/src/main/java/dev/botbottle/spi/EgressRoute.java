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
 * @param allowPrivate the operator's statement that the host is internal: the gateway may connect to a loopback,
 *        private, link-local or CGNAT address, or one of the host's own, for it (refused otherwise: the SSRF floor)
 * @since 0.1
 * @see #builder(String) the way to make one: components may be added in a minor version (ADR 11), the builder
 *      keeps working
 */
public record EgressRoute(String host, Optional<RouteAuth> auth, List<RouteMatch> matches, boolean tlsPassthrough,
                          List<Integer> ports, DlpPolicy dlp, boolean allowPrivate) {

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
     * A route to a public host ({@link #allowPrivate()} false): the 0.1 shape, kept for code compiled against it.
     *
     * @param host the host name, or {@code *.suffix}
     * @param auth the credential the gateway injects, if any
     * @param matches path and method rules
     * @param tlsPassthrough splice TLS blind
     * @param ports the ports a CONNECT may target
     * @param dlp the DLP policy
     */
    public EgressRoute(String host, Optional<RouteAuth> auth, List<RouteMatch> matches, boolean tlsPassthrough,
                       List<Integer> ports, DlpPolicy dlp) {
        this(host, auth, matches, tlsPassthrough, ports, dlp, false);
    }

    /**
     * @param host the host name
     * @return a route allowing every request to {@code host} on port 443, without credentials
     */
    public static EgressRoute allow(String host) {
        return builder(host).build();
    }

    /**
     * @param host the host name
     * @param auth the credential to inject
     * @return a route allowing every request to {@code host}, with {@code auth} injected
     */
    public static EgressRoute withAuth(String host, RouteAuth auth) {
        return builder(host).auth(auth).build();
    }

    /**
     * @param host the host name, or {@code *.example.com}
     * @return a builder for a route to {@code host}: no auth, every request, port 443, default DLP
     * @since 0.2
     */
    public static Builder builder(String host) {
        return new Builder(host);
    }

    /**
     * @return a builder holding this route's values, to make a changed copy
     * @since 0.2
     */
    public Builder toBuilder() {
        Builder b = new Builder(host).matches(matches).tlsPassthrough(tlsPassthrough).ports(ports).dlp(dlp)
                .allowPrivate(allowPrivate);
        auth.ifPresent(b::auth);
        return b;
    }

    /** @return the ports a CONNECT may target: {@link #ports()}, or 443 when none are given */
    public List<Integer> effectivePorts() {
        return ports.isEmpty() ? List.of(443) : ports;
    }

    /**
     * Makes an {@link EgressRoute}; every value but the host has a default.
     *
     * @since 0.2
     */
    public static final class Builder {
        private String host;
        private Optional<RouteAuth> auth = Optional.empty();
        private List<RouteMatch> matches = List.of();
        private boolean tlsPassthrough;
        private List<Integer> ports = List.of();
        private DlpPolicy dlp = DlpPolicy.DEFAULT;
        private boolean allowPrivate;

        private Builder(String host) {
            this.host = Objects.requireNonNull(host, "host");
        }

        /** @param value the host name, or {@code *.example.com} @return this builder */
        public Builder host(String value) {
            this.host = Objects.requireNonNull(value, "host");
            return this;
        }

        /** @param value the credential the gateway injects @return this builder */
        public Builder auth(RouteAuth value) {
            this.auth = Optional.of(value);
            return this;
        }

        /** @return this builder, with no credential injected */
        public Builder noAuth() {
            this.auth = Optional.empty();
            return this;
        }

        /** @param value path and method rules, any of which may match; empty means every request @return this builder */
        public Builder matches(List<RouteMatch> value) {
            this.matches = List.copyOf(value);
            return this;
        }

        /** @param value splice TLS blind after the SNI check @return this builder */
        public Builder tlsPassthrough(boolean value) {
            this.tlsPassthrough = value;
            return this;
        }

        /** @param value the TCP ports a CONNECT may target; empty means 443 @return this builder */
        public Builder ports(List<Integer> value) {
            this.ports = List.copyOf(value);
            return this;
        }

        /** @param value what to do when outbound traffic carries a secret @return this builder */
        public Builder dlp(DlpPolicy value) {
            this.dlp = Objects.requireNonNull(value, "dlp");
            return this;
        }

        /**
         * @param value whether the gateway may connect to a loopback, private, link-local or CGNAT address (or one
         *        of the host's own) for this host: the operator's statement that it is internal
         * @return this builder
         */
        public Builder allowPrivate(boolean value) {
            this.allowPrivate = value;
            return this;
        }

        /**
         * @return the route
         * @throws IllegalArgumentException when the values do not make a valid route (e.g. auth with passthrough)
         */
        public EgressRoute build() {
            return new EgressRoute(host, auth, matches, tlsPassthrough, ports, dlp, allowPrivate);
        }
    }
}
