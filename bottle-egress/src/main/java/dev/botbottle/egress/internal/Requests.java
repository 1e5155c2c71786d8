package dev.botbottle.egress.internal;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Parsing and sanity checks of request targets and heads, shared by the front door and intercepted tunnels. */
final class Requests {

    /**
     * An absolute-form {@code http://} target.
     *
     * @param uri the parsed target
     * @param rawHost the host as sent
     * @param port the port (80 when absent)
     */
    record Target(URI uri, String rawHost, int port) {
    }

    private Requests() {
    }

    static URI parse(String uri) {
        try {
            return new URI(uri);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    static String originForm(URI u) {
        String p = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return u.getRawQuery() == null ? p : p + "?" + u.getRawQuery();
    }

    /** @return the absolute {@code http://} target, or null when {@code uri} is not one */
    static Target absolute(String uri) {
        URI u = parse(uri);
        if (u == null || !"http".equalsIgnoreCase(u.getScheme())) {
            return null;
        }
        String rawHost = u.getHost();
        int rawPort = u.getPort();
        if (rawHost == null && u.getRawAuthority() != null) {
            // registry-based authority (e.g. an underscore in a label): split host and port ourselves
            String a = u.getRawAuthority();
            if (a.contains("@")) {
                return null;
            }
            int colon = a.lastIndexOf(':');
            rawHost = colon > 0 && a.indexOf(']') < colon ? a.substring(0, colon) : a;
            try {
                rawPort = colon > 0 && a.indexOf(']') < colon ? Integer.parseInt(a.substring(colon + 1)) : -1;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        if (rawHost == null || u.getRawUserInfo() != null) {
            return null;
        }
        return new Target(u, rawHost, rawPort < 0 ? 80 : rawPort);
    }

    /** @return the host a front-door target names, for the audit of a refusal; empty when there is none */
    static String hostOf(String target) {
        Target t = absolute(target);
        if (t != null) {
            return RouteTable.normalize(t.rawHost());
        }
        int colon = target.lastIndexOf(':');
        String h = colon > 0 && target.indexOf(']') < colon ? target.substring(0, colon) : target;
        return h.length() > 253 || h.contains("/") ? "" : RouteTable.normalize(h);
    }

    /**
     * @param req a request head
     * @return why the request is ambiguous (so upstream may read it differently from the gateway), or null
     */
    static String ambiguity(HttpRequest req) {
        if (req.headers().getAll(HttpHeaderNames.HOST).size() > 1) {
            return "more than one Host header (an ambiguous request is refused)";
        }
        // a buffered body lost "chunked" (it goes on with a Content-Length), a streamed one keeps it; any other
        // transfer coding would reach upstream for it to read differently
        String te = req.headers().get(HttpHeaderNames.TRANSFER_ENCODING);
        if (te != null && !te.isBlank() && !te.strip().equalsIgnoreCase("chunked")) {
            return "transfer coding '" + te + "' is not supported (only chunked is)";
        }
        String target = req.uri();
        if (target.indexOf('#') >= 0) {
            return "request target has a '#' (a fragment is never sent to a server)";
        }
        return null;
    }
    static boolean sameAuthority(String hostHeader, String host, int port) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        int p = -1;
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.indexOf(']') < colon) {
            try {
                p = Integer.parseInt(h.substring(colon + 1));
            } catch (NumberFormatException e) {
                return false;
            }
            h = h.substring(0, colon);
        }
        return RouteTable.normalize(h).equals(host) && (p < 0 || p == port);
    }

    /**
     * @param uri a request target
     * @return its path as the upstream reads it: everything before the query ({@code #} is refused earlier)
     */
    static String pathOf(String uri) {
        if (!uri.startsWith("/")) {
            URI u = parse(uri);
            return u == null || u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        }
        int q = uri.indexOf('?');
        String p = q < 0 ? uri : uri.substring(0, q);
        return p.isEmpty() ? "/" : p;
    }
}
