package dev.botbottle.cli;

import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.PathMatch;
import dev.botbottle.spi.ProposedChange;
import dev.botbottle.spi.RouteMatch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Opens {@code $VISUAL} / {@code $EDITOR} (default {@code vi}) on what a proposal asks for, and reads back what the
 * operator grants instead. A route is edited as {@code key: value} lines; an image change as Dockerfile text.
 */
final class SuperviseEditor {

    private SuperviseEditor() {
    }

    static ProposedChange edit(ProposedChange change, Map<String, String> env) {
        String text = render(change);
        try {
            Path file = Files.createTempFile("bottle-supervise-", change instanceof ProposedChange.Image ? ".Dockerfile" : ".txt");
            try {
                Files.writeString(file, text, StandardCharsets.UTF_8);
                String editor = env.getOrDefault("VISUAL", env.getOrDefault("EDITOR", "vi"));
                ProcessBuilder pb = new ProcessBuilder("sh", "-c", editor + " \"$1\"", "bottle-supervise-editor",
                        file.toString()).inheritIO();
                pb.environment().clear();
                pb.environment().putAll(env);
                int rc = pb.start().waitFor();
                if (rc != 0) {
                    throw new BottleException("the editor (" + editor + ") exited with " + rc + "; nothing was answered");
                }
                return parse(change, Files.readString(file, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new BottleException("cannot run the editor: " + e.getMessage() + "; set $EDITOR", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BottleException("interrupted while editing; nothing was answered");
        }
    }

    static String render(ProposedChange change) {
        if (change instanceof ProposedChange.Route r) {
            EgressRoute route = r.route();
            List<String> methods = route.matches().stream().flatMap(m -> m.methods().stream()).distinct().toList();
            List<String> paths = route.matches().stream().flatMap(m -> m.paths().stream()).map(PathMatch::value)
                    .distinct().toList();
            return "# The egress route to grant. Edit, save and quit; an empty list means every method or path.\n"
                    + "# paths are prefixes. Lines starting with # are ignored.\n"
                    + "host: " + route.host() + "\n"
                    + "methods: " + String.join(", ", methods) + "\n"
                    + "paths: " + String.join(", ", paths) + "\n"
                    + "ports: " + route.ports().stream().map(String::valueOf).collect(Collectors.joining(", ")) + "\n";
        }
        if (change instanceof ProposedChange.Image i) {
            return i.dockerfile().strip() + "\n";
        }
        throw new BottleException("a question is answered, not modified");
    }

    static ProposedChange parse(ProposedChange original, String text) {
        if (original instanceof ProposedChange.Image) {
            String body = text.lines().filter(l -> !l.startsWith("# bottle:")).collect(Collectors.joining("\n")).strip();
            if (body.isEmpty()) {
                throw new BottleException("the edited image change is empty; nothing was answered");
            }
            return new ProposedChange.Image(body);
        }
        Map<String, String> values = new LinkedHashMap<>();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int colon = l.indexOf(':');
            String key = colon < 0 ? "" : l.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            if (!List.of("host", "methods", "paths", "ports").contains(key)) {
                throw new BottleException("line " + n + " of the edited route: expected host:, methods:, paths: or"
                        + " ports:, found '" + l + "'; nothing was answered");
            }
            values.put(key, l.substring(colon + 1).strip());
        }
        String host = values.getOrDefault("host", "");
        if (host.isBlank()) {
            throw new BottleException("the edited route has no host; nothing was answered");
        }
        List<String> methods = list(values.get("methods")).stream().map(m -> m.toUpperCase(Locale.ROOT)).toList();
        List<PathMatch> paths = new ArrayList<>();
        for (String p : list(values.get("paths"))) {
            if (!p.startsWith("/")) {
                throw new BottleException("path '" + p + "' of the edited route must start with '/'; nothing was answered");
            }
            paths.add(new PathMatch(PathMatch.Type.PREFIX, p));
        }
        List<Integer> ports = new ArrayList<>();
        for (String p : list(values.get("ports"))) {
            try {
                int port = Integer.parseInt(p);
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
                ports.add(port);
            } catch (NumberFormatException e) {
                throw new BottleException("port '" + p + "' of the edited route is not a port number; nothing was answered");
            }
        }
        List<RouteMatch> matches = methods.isEmpty() && paths.isEmpty() ? List.of() : List.of(new RouteMatch(paths, methods));
        try {
            return new ProposedChange.Route(EgressRoute.builder(host.toLowerCase(Locale.ROOT)).matches(matches)
                    .ports(ports).build());
        } catch (IllegalArgumentException e) {
            throw new BottleException("the edited route is invalid: " + e.getMessage() + "; nothing was answered", e);
        }
    }

    private static List<String> list(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
