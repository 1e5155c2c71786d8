package dev.botbottle.supervise.internal;

import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.PathMatch;
import dev.botbottle.spi.RouteMatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a tool call's arguments, bounded in size, with messages the agent can act on. Every failure is an
 * {@link IllegalArgumentException} naming the argument.
 */
final class Arguments {

    static final int MAX_TEXT = 4_000;
    static final int MAX_DOCKERFILE = 16_000;
    static final int MAX_LIST = 32;
    static final int MAX_PATH = 512;

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private final Map<String, Object> args;

    Arguments(Map<String, Object> args) {
        this.args = args == null ? Map.of() : args;
    }

    String text(String name, int max) {
        Object v = args.get(name);
        if (!(v instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException("argument '" + name + "' is required (a non-empty string)");
        }
        if (s.length() > max) {
            throw new IllegalArgumentException("argument '" + name + "' is longer than " + max + " characters");
        }
        return s.strip();
    }

    Optional<String> optionalText(String name, int max) {
        return args.get(name) == null ? Optional.empty() : Optional.of(text(name, max));
    }

    List<String> strings(String name, int maxEach) {
        Object v = args.get(name);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list) || list.size() > MAX_LIST) {
            throw new IllegalArgumentException("argument '" + name + "' must be a list of at most " + MAX_LIST + " strings");
        }
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s) || s.isBlank() || s.length() > maxEach) {
                throw new IllegalArgumentException("argument '" + name + "' must hold non-empty strings of at most "
                        + maxEach + " characters");
            }
            out.add(s.strip());
        }
        return out;
    }

    List<Integer> ports(String name) {
        Object v = args.get(name);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list) || list.size() > MAX_LIST) {
            throw new IllegalArgumentException("argument '" + name + "' must be a list of at most " + MAX_LIST + " port numbers");
        }
        List<Integer> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Number n) || n.doubleValue() != n.intValue() || n.intValue() < 1 || n.intValue() > 65535) {
                throw new IllegalArgumentException("argument '" + name + "' must hold port numbers from 1 to 65535");
            }
            out.add(n.intValue());
        }
        return out;
    }

    /** @return the route {@code egress-block} asks for: host, optional methods and path prefixes, optional ports */
    EgressRoute route() {
        String host = host(text("host", 260));
        List<String> methods = strings("methods", 16).stream().map(m -> m.toUpperCase(Locale.ROOT)).toList();
        for (String m : methods) {
            if (!METHODS.contains(m)) {
                throw new IllegalArgumentException("method '" + m + "' is not one of " + METHODS.stream().sorted().toList());
            }
        }
        List<PathMatch> paths = new ArrayList<>();
        for (String p : strings("paths", MAX_PATH)) {
            if (!p.startsWith("/")) {
                throw new IllegalArgumentException("path '" + p + "' must start with '/' (paths are prefixes, e.g. /v1/)");
            }
            paths.add(new PathMatch(PathMatch.Type.PREFIX, p));
        }
        List<RouteMatch> matches = methods.isEmpty() && paths.isEmpty() ? List.of()
                : List.of(new RouteMatch(paths, methods));
        return EgressRoute.builder(host).matches(matches).ports(ports("ports")).build();
    }

    /**
     * @param raw what the agent gave
     * @return the host, lower case, checked to be a host name or {@code *.suffix} (never an IP literal or a URL)
     */
    static String host(String raw) {
        String h = raw.strip().toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        String name = h.startsWith("*.") ? h.substring(2) : h;
        String[] labels = name.split("\\.", -1);
        boolean ok = name.length() <= 253 && labels.length >= 2;
        for (String l : labels) {
            ok &= LABEL.matcher(l).matches();
        }
        if (!ok || labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("host '" + raw + "' must be a host name such as api.example.com (or"
                    + " *.example.com for its subdomains), without scheme, port, path or IP address");
        }
        return h;
    }
}
