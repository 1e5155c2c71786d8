package dev.botbottle.core.manifest;

import dev.botbottle.core.manifest.YamlTree.Entry;
import dev.botbottle.core.manifest.YamlTree.ListNode;
import dev.botbottle.core.manifest.YamlTree.MapNode;
import dev.botbottle.core.manifest.YamlTree.Node;
import dev.botbottle.spi.DlpPolicy;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.PathMatch;
import dev.botbottle.spi.RouteAuth;
import dev.botbottle.spi.RouteMatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Parses {@code egress.routes}. */
final class RouteParser {
    static final Pattern HOST = Pattern.compile(
            "^(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$");
    static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9-]*$");
    static final Pattern METHOD = Pattern.compile("^[A-Za-z]+$");

    private final NodeReader r;

    RouteParser(NodeReader r) {
        this.r = r;
    }

    List<EgressRoute> routes(Node node, String path) {
        Optional<ListNode> l = r.list(node, path);
        if (l.isEmpty()) {
            return null;
        }
        List<EgressRoute> out = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        int i = 0;
        for (Node item : l.get().items()) {
            String rp = KeyPaths.index(path, i++);
            Optional<EgressRoute> route = route(item, rp);
            Optional<String> host = rawHost(item);
            String first = host.map(h -> seen.putIfAbsent(h, rp)).orElse(null);
            if (first != null) {
                r.error(rp + ".host", item, "host '" + host.get() + "' already has a route (" + first
                        + "); one route per host: put every path and method rule in its matches");
            } else {
                route.ifPresent(out::add);
            }
        }
        return out;
    }

    /** The host as written, lower-cased, if it is a well-formed one; for finding duplicates among bad routes too. */
    private static Optional<String> rawHost(Node item) {
        if (item instanceof MapNode m && m.entries().get("host") != null
                && m.entries().get("host").value() instanceof YamlTree.Scalar s
                && s.type() == YamlTree.ScalarType.STRING && HOST.matcher(s.text()).matches()) {
            return Optional.of(s.text().toLowerCase(Locale.ROOT));
        }
        return Optional.empty();
    }

    private Optional<EgressRoute> route(Node node, String path) {
        Optional<MapNode> m = r.map(node, path);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        int before = r.problems().errorCount();
        r.checkKeys(m.get(), path, Keys.ROUTE);
        Map<String, Entry> e = m.get().entries();
        Optional<String> host = Optional.empty();
        if (!e.containsKey("host")) {
            r.error(path, node, "host is required");
        } else {
            // not quoted: a URL with a password pasted here must not end up in a message
            host = r.matching(e.get("host").value(), path + ".host", HOST, "a host name (or *.domain)", false)
                    .map(h -> h.toLowerCase(Locale.ROOT));
        }
        Optional<RouteAuth> auth = e.containsKey("auth") ? auth(e.get("auth").value(), path + ".auth")
                : Optional.empty();
        List<RouteMatch> matches = e.containsKey("matches") ? matches(e.get("matches").value(), path + ".matches")
                : List.of();
        boolean passthrough = e.containsKey("tls_passthrough")
                && r.bool(e.get("tls_passthrough").value(), path + ".tls_passthrough").orElse(false);
        if (passthrough && e.containsKey("auth")) {
            r.problems().error(path, e.get("tls_passthrough").keyLine(), "auth and tls_passthrough cannot be"
                    + " combined: a credential must never ride on a connection the gateway cannot see; remove"
                    + " tls_passthrough (a route with auth is always TLS-intercepted)");
        }
        if (passthrough && e.containsKey("matches")) {
            r.problems().error(path, e.get("tls_passthrough").keyLine(), "matches cannot be enforced on a"
                    + " tls_passthrough route (the gateway does not see its requests); remove one of them");
        }
        if (auth.isPresent() && host.isPresent() && host.get().startsWith("*.")
                && host.get().substring(2).indexOf('.') < 0) {
            r.problems().error(path, e.get("host").keyLine(), "a wildcard route with auth needs a suffix of at"
                    + " least two labels (e.g. *.example.com): '" + host.get() + "' would send the credential to"
                    + " every name under a top-level domain, and every label is resolved by the host's resolver;"
                    + " name the hosts, or narrow the suffix");
        }
        boolean allowPrivate = e.containsKey("allow_private")
                && r.bool(e.get("allow_private").value(), path + ".allow_private").orElse(false);
        List<Integer> ports = e.containsKey("ports") ? ports(e.get("ports").value(), path + ".ports") : List.of();
        DlpPolicy dlp = e.containsKey("dlp") ? dlp(e.get("dlp").value(), path + ".dlp") : DlpPolicy.DEFAULT;
        if (r.problems().errorCount() > before || host.isEmpty()) {
            return Optional.empty();
        }
        EgressRoute.Builder route = EgressRoute.builder(host.get()).matches(matches).tlsPassthrough(passthrough)
                .ports(ports).dlp(dlp).allowPrivate(allowPrivate);
        auth.ifPresent(route::auth);
        return Optional.of(route.build());
    }

    private Optional<RouteAuth> auth(Node node, String path) {
        Optional<MapNode> m = r.map(node, path);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        r.checkKeys(m.get(), path, Keys.AUTH);
        Map<String, Entry> e = m.get().entries();
        Optional<String> scheme = Optional.empty();
        Optional<String> ref = Optional.empty();
        if (!e.containsKey("scheme")) {
            r.error(path, node, "scheme is required (the Authorization scheme, e.g. Bearer or token)");
        } else {
            scheme = r.matching(e.get("scheme").value(), path + ".scheme", SCHEME, "an Authorization scheme", true);
        }
        if (!e.containsKey("token_ref")) {
            r.error(path, node, "token_ref is required (the host environment variable holding the token)");
        } else {
            ref = r.matching(e.get("token_ref").value(), path + ".token_ref", Keys.ENV_NAME,
                    "the name of a host environment variable (the token itself never goes in a manifest)", false);
        }
        return scheme.isPresent() && ref.isPresent() ? Optional.of(new RouteAuth(scheme.get(), ref.get()))
                : Optional.empty();
    }

    private List<RouteMatch> matches(Node node, String path) {
        Optional<ListNode> l = r.list(node, path);
        List<RouteMatch> out = new ArrayList<>();
        int i = 0;
        for (Node item : l.map(ListNode::items).orElse(List.of())) {
            String mp = KeyPaths.index(path, i++);
            Optional<MapNode> m = r.map(item, mp);
            if (m.isEmpty()) {
                continue;
            }
            r.checkKeys(m.get(), mp, Keys.MATCH);
            Map<String, Entry> e = m.get().entries();
            List<PathMatch> paths = new ArrayList<>();
            if (e.containsKey("paths")) {
                int j = 0;
                for (Node p : r.list(e.get("paths").value(), mp + ".paths").map(ListNode::items).orElse(List.of())) {
                    pathMatch(p, KeyPaths.index(mp + ".paths", j++)).ifPresent(paths::add);
                }
            }
            List<String> methods = new ArrayList<>();
            if (e.containsKey("methods")) {
                int j = 0;
                for (Node p : r.list(e.get("methods").value(), mp + ".methods").map(ListNode::items)
                        .orElse(List.of())) {
                    r.matching(p, KeyPaths.index(mp + ".methods", j++), METHOD, "an HTTP method", true)
                            .ifPresent(methods::add);
                }
            }
            out.add(new RouteMatch(paths, methods));
        }
        return out;
    }

    private Optional<PathMatch> pathMatch(Node node, String path) {
        Optional<MapNode> m = r.map(node, path);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        r.checkKeys(m.get(), path, Keys.PATH);
        Map<String, Entry> e = m.get().entries();
        PathMatch.Type type = PathMatch.Type.PREFIX;
        if (e.containsKey("type")) {
            Optional<String> t = r.string(e.get("type").value(), path + ".type");
            if (t.isEmpty()) {
                return Optional.empty();
            }
            switch (t.get()) {
                case "prefix" -> type = PathMatch.Type.PREFIX;
                case "regex" -> type = PathMatch.Type.REGEX;
                default -> {
                    r.error(path + ".type", e.get("type").value(), "'" + KeyPaths.display(t.get())
                            + "' is not a path match type; use prefix or regex");
                    return Optional.empty();
                }
            }
        }
        if (!e.containsKey("value")) {
            r.error(path, node, "value is required (a path prefix such as /api/ or a regular expression)");
            return Optional.empty();
        }
        Optional<String> value = r.nonBlank(e.get("value").value(), path + ".value");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (type == PathMatch.Type.PREFIX && !value.get().startsWith("/")) {
            r.error(path + ".value", e.get("value").value(), "a path prefix must start with /");
            return Optional.empty();
        }
        if (type == PathMatch.Type.REGEX) {
            try {
                Pattern.compile(value.get());
            } catch (PatternSyntaxException ex) {
                r.error(path + ".value", e.get("value").value(), "invalid regular expression: "
                        + ex.getDescription());
                return Optional.empty();
            }
        }
        return Optional.of(new PathMatch(type, value.get()));
    }

    private List<Integer> ports(Node node, String path) {
        List<Integer> out = new ArrayList<>();
        int i = 0;
        for (Node p : r.list(node, path).map(ListNode::items).orElse(List.of())) {
            String pp = KeyPaths.index(path, i++);
            r.integer(p, pp, 1, 65535).map(Long::intValue).ifPresent(port -> {
                if (out.contains(port)) {
                    r.error(pp, p, "port " + port + " is listed twice");
                } else {
                    out.add(port);
                }
            });
        }
        return out;
    }

    private DlpPolicy dlp(Node node, String path) {
        Optional<MapNode> m = r.map(node, path);
        if (m.isEmpty()) {
            return DlpPolicy.DEFAULT;
        }
        r.checkKeys(m.get(), path, Keys.DLP);
        Map<String, Entry> e = m.get().entries();
        DlpPolicy.Action action = DlpPolicy.DEFAULT.onMatch();
        if (e.containsKey("action")) {
            Optional<String> a = r.string(e.get("action").value(), path + ".action");
            if (a.isPresent()) {
                switch (a.get()) {
                    case "block" -> action = DlpPolicy.Action.BLOCK;
                    case "redact" -> action = DlpPolicy.Action.REDACT;
                    case "warn" -> action = DlpPolicy.Action.WARN;
                    default -> r.error(path + ".action", e.get("action").value(), "'" + KeyPaths.display(a.get())
                            + "' is not a DLP action; use block, redact or warn");
                }
            }
        }
        boolean enabled = !e.containsKey("enabled") || r.bool(e.get("enabled").value(), path + ".enabled")
                .orElse(true);
        return new DlpPolicy(action, enabled);
    }
}
