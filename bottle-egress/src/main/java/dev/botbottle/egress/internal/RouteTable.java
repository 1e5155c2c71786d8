package dev.botbottle.egress.internal;

import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.RouteMatch;
import io.netty.util.NetUtil;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The routes of one bottle, compiled for matching. Immutable; the gateway swaps whole tables.
 *
 * <p>Every route whose host pattern matches a host is a candidate; a request is allowed only when every candidate
 * admits it (deny wins), and the most specific candidate (an exact host before the longest {@code *.suffix})
 * decides credentials and DLP policy. A tunnel is passed through blind only when every candidate says
 * {@code tls_passthrough}.
 */
public final class RouteTable {

    private final List<EgressRoute> routes;

    /** @param routes the routes, validated by {@link EgressRoute} itself */
    public RouteTable(List<EgressRoute> routes) {
        this.routes = List.copyOf(routes);
        for (EgressRoute r : this.routes) {
            String h = r.host();
            if (h.startsWith("*.") ? h.length() <= 2 || h.substring(2).contains("*") : h.contains("*")) {
                throw new IllegalArgumentException("route host '" + h + "' must be a host name or *.suffix");
            }
            if (h.startsWith("*.") && r.auth().isPresent() && h.indexOf('.', 2) < 0) {
                throw new IllegalArgumentException("route " + h + " carries a credential for every name under a"
                        + " top-level domain; a wildcard route with auth needs a suffix of at least two labels");
            }
        }
    }

    /** @return the routes */
    public List<EgressRoute> routes() {
        return routes;
    }

    /** How a CONNECT tunnel is handled. */
    public enum Mode { INTERCEPT, PASSTHROUGH }

    /**
     * @param allowed whether the request or tunnel may proceed
     * @param route the most specific matching route, if any
     * @param mode for an allowed tunnel, how it is handled
     * @param reason why it was denied, or a short note when allowed
     */
    public record Decision(boolean allowed, Optional<EgressRoute> route, Mode mode, String reason) {
        static Decision deny(Optional<EgressRoute> route, String reason) {
            return new Decision(false, route, Mode.INTERCEPT, reason);
        }

        /** @return the route's host pattern, or the empty string */
        public String routeName() {
            return route.map(EgressRoute::host).orElse("");
        }
    }

    /**
     * @param host a host name as the client sent it
     * @return the host lower-cased, brackets and a trailing dot removed
     */
    public static String normalize(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }

    /** @return whether {@code host} (normalized) is an IPv4 or IPv6 literal */
    public static boolean isIpLiteral(String host) {
        return NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
    }

    static boolean hostMatches(String pattern, String host) {
        String p = pattern.toLowerCase(Locale.ROOT);
        if (p.startsWith("*.")) {
            String suffix = p.substring(1);
            return host.endsWith(suffix) && host.length() > suffix.length();
        }
        return p.equals(host);
    }

    private static int specificity(EgressRoute r) {
        return r.host().startsWith("*.") ? r.host().length() : Integer.MAX_VALUE;
    }

    /** @return the routes matching {@code host}, most specific first */
    List<EgressRoute> candidates(String host) {
        List<EgressRoute> out = new ArrayList<>();
        for (EgressRoute r : routes) {
            if (hostMatches(r.host(), host)) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparingInt(RouteTable::specificity).reversed());
        return out;
    }

    /**
     * Decides whether a tunnel or a plain-HTTP connection to {@code host:port} may be opened.
     *
     * @param rawHost the target host
     * @param port the target port
     * @param tls true for a CONNECT tunnel, false for plain {@code http://}
     * @return the decision
     */
    public Decision checkConnect(String rawHost, int port, boolean tls) {
        String host = normalize(rawHost);
        if (isIpLiteral(host)) {
            return Decision.deny(Optional.empty(), "IP literal " + rawHost
                    + " refused: the gateway only allows routes by host name");
        }
        List<EgressRoute> cands = candidates(host);
        if (cands.isEmpty()) {
            return Decision.deny(Optional.empty(), "host " + host + " matches no egress route");
        }
        Optional<EgressRoute> best = Optional.of(cands.get(0));
        for (EgressRoute r : cands) {
            List<Integer> ports = tls ? r.effectivePorts() : (r.ports().isEmpty() ? List.of(80) : r.ports());
            if (!ports.contains(port)) {
                return Decision.deny(Optional.of(r), "port " + port + " of " + host + " is not allowed by route "
                        + r.host() + " (allowed: " + ports + ")");
            }
            if (!tls && r.auth().isPresent()) {
                return Decision.deny(Optional.of(r), "route " + r.host()
                        + " carries a credential, which is only injected over HTTPS: use https://" + host);
            }
        }
        boolean passthrough = tls && cands.stream().allMatch(EgressRoute::tlsPassthrough);
        return new Decision(true, best, passthrough ? Mode.PASSTHROUGH : Mode.INTERCEPT,
                passthrough ? "tls passthrough" : "allowed");
    }

    /**
     * Decides one HTTP request (plain, or inside an intercepted tunnel).
     *
     * @param rawHost the target host
     * @param method the HTTP method
     * @param path the path without the query
     * @return the decision
     */
    public Decision checkRequest(String rawHost, String method, String path) {
        String host = normalize(rawHost);
        List<EgressRoute> cands = candidates(host);
        if (cands.isEmpty()) {
            return Decision.deny(Optional.empty(), "host " + host + " matches no egress route");
        }
        String m = method.toUpperCase(Locale.ROOT);
        if (cands.stream().anyMatch(r -> !r.matches().isEmpty())) {
            Optional<String> why = PathCheck.ambiguity(path);
            if (why.isPresent()) {
                return Decision.deny(Optional.of(cands.get(0)), "path " + path + " " + why.get()
                        + ", which route matches cannot judge; send the normalized path");
            }
        }
        for (EgressRoute r : cands) {
            if (!admits(r, m, path)) {
                return Decision.deny(Optional.of(r), m + " " + path + " is not allowed by the matches of route "
                        + r.host());
            }
        }
        return new Decision(true, Optional.of(cands.get(0)), Mode.INTERCEPT, "allowed");
    }

    static boolean hasDotSegment(String path) {
        return PathCheck.ambiguity(path).isPresent();
    }

    /**
     * @param host a host (normalized)
     * @return whether every route matching it says {@code allow_private} (deny wins here too)
     */
    public boolean allowsPrivate(String host) {
        List<EgressRoute> cands = candidates(host);
        return !cands.isEmpty() && cands.stream().allMatch(EgressRoute::allowPrivate);
    }

    static boolean admits(EgressRoute route, String method, String path) {
        if (route.matches().isEmpty()) {
            return true;
        }
        for (RouteMatch match : route.matches()) {
            boolean methodOk = match.methods().isEmpty() || match.methods().contains(method);
            boolean pathOk = match.paths().isEmpty() || match.paths().stream().anyMatch(p -> p.matches(path));
            if (methodOk && pathOk) {
                return true;
            }
        }
        return false;
    }
}
