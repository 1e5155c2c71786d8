package dev.botbottle.core.manifest;

import dev.botbottle.core.manifest.YamlTree.Entry;
import dev.botbottle.core.manifest.YamlTree.ListNode;
import dev.botbottle.core.manifest.YamlTree.MapNode;
import dev.botbottle.core.manifest.YamlTree.Node;
import dev.botbottle.core.manifest.YamlTree.Scalar;
import dev.botbottle.core.manifest.YamlTree.ScalarType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Typed access to tree nodes that reports a problem, naming the key path and line, instead of failing. */
final class NodeReader {
    private final Problems problems;

    NodeReader(Problems problems) {
        this.problems = problems;
    }

    Problems problems() {
        return problems;
    }

    void error(String path, Node node, String message) {
        problems.error(path, node == null ? 0 : node.line(), message);
    }

    /** Reports every key of {@code map} that is not in {@code allowed} (nor in {@code ignored}). */
    void checkKeys(MapNode map, String path, List<String> allowed, Collection<String> ignored) {
        for (Entry e : map.entries().values()) {
            if (!allowed.contains(e.key()) && !ignored.contains(e.key())) {
                problems.error(KeyPaths.child(path, e.key()), e.keyLine(), Suggest.unknownKey(e.key(), allowed));
            }
        }
    }

    void checkKeys(MapNode map, String path, List<String> allowed) {
        checkKeys(map, path, allowed, List.of());
    }

    Optional<MapNode> map(Node node, String path) {
        if (node instanceof MapNode m) {
            return Optional.of(m);
        }
        error(path, node, "expected a mapping (key: value lines), got " + node.describe());
        return Optional.empty();
    }

    Optional<ListNode> list(Node node, String path) {
        if (node instanceof ListNode l) {
            return Optional.of(l);
        }
        error(path, node, "expected a list, got " + node.describe());
        return Optional.empty();
    }

    /** A string; numbers and booleans are refused (quote them) so that a value means what it says. */
    Optional<String> string(Node node, String path) {
        if (node instanceof Scalar s && s.type() == ScalarType.STRING) {
            return Optional.of(s.text());
        }
        error(path, node, "expected a string, got " + node.describe()
                + (node instanceof Scalar s && s.type() != ScalarType.NULL ? " (quote it)" : ""));
        return Optional.empty();
    }

    /** A non-blank string. */
    Optional<String> nonBlank(Node node, String path) {
        Optional<String> s = string(node, path);
        if (s.isPresent() && s.get().isBlank()) {
            error(path, node, "must not be empty");
            return Optional.empty();
        }
        return s;
    }

    /**
     * A string matching {@code pattern}; {@code quote} says whether the value may be shown (names yes, values
     * that could be secrets no).
     */
    Optional<String> matching(Node node, String path, Pattern pattern, String what, boolean quote) {
        Optional<String> s = string(node, path);
        if (s.isPresent() && !pattern.matcher(s.get()).matches()) {
            error(path, node, (quote ? "'" + KeyPaths.display(s.get()) + "' is not " : "is not ") + what
                    + " (must match " + pattern.pattern() + ")");
            return Optional.empty();
        }
        return s;
    }

    Optional<Boolean> bool(Node node, String path) {
        if (node instanceof Scalar s && s.type() == ScalarType.BOOLEAN) {
            return Optional.of(Boolean.parseBoolean(s.text()));
        }
        error(path, node, "expected true or false, got " + node.describe());
        return Optional.empty();
    }

    /** A whole number in {@code [min, max]}. */
    Optional<Long> integer(Node node, String path, long min, long max) {
        if (node instanceof Scalar s && s.type() == ScalarType.NUMBER) {
            try {
                long v = Long.parseLong(s.text().replace("_", ""));
                if (v < min || v > max) {
                    error(path, node, "must be between " + min + " and " + max + ", got " + v);
                    return Optional.empty();
                }
                return Optional.of(v);
            } catch (NumberFormatException e) {
                error(path, node, "expected a whole number, got " + KeyPaths.display(s.text()));
                return Optional.empty();
            }
        }
        error(path, node, "expected a whole number, got " + node.describe());
        return Optional.empty();
    }

    /** A list of strings, each checked against {@code pattern}; bad items are reported and left out. */
    Optional<List<String>> names(Node node, String path, Pattern pattern, String what) {
        Optional<ListNode> l = list(node, path);
        if (l.isEmpty()) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        for (Node item : l.get().items()) {
            String itemPath = KeyPaths.index(path, i++);
            Optional<String> s = matching(item, itemPath, pattern, what, true);
            if (s.isPresent()) {
                if (out.contains(s.get())) {
                    error(itemPath, item, "'" + s.get() + "' is listed twice");
                } else {
                    out.add(s.get());
                }
            }
        }
        return Optional.of(out);
    }

    /**
     * A host path: absolute, or starting with {@code ~/} (expanded to {@code userHome}).
     *
     * @return the normalised path; empty (reported) when it is neither
     */
    Optional<java.nio.file.Path> hostPath(Node node, String path, java.nio.file.Path userHome, String what) {
        return nonBlank(node, path).flatMap(s -> {
            java.nio.file.Path p = expand(s, userHome);
            if (p == null) {
                error(path, node, "expected an absolute path or one starting with ~/ (" + what + ")");
            }
            return Optional.ofNullable(p);
        });
    }

    /** @return {@code s} with a leading {@code ~} expanded to {@code userHome}, or {@code null} if not absolute */
    private static java.nio.file.Path expand(String s, java.nio.file.Path userHome) {
        try {
            java.nio.file.Path p = s.equals("~") ? userHome
                    : s.startsWith("~/") ? userHome.resolve(s.substring(2)) : java.nio.file.Path.of(s);
            return p.isAbsolute() ? p.normalize() : null;
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    private static final Pattern SIZE = Pattern.compile("^(\\d+)\\s*([kKmMgGtT]?)(i?[bB])?$");

    /** A size in bytes: a number, or a number with k, m, g or t (powers of 1024), e.g. {@code 512m}. */
    Optional<Long> size(Node node, String path) {
        if (node instanceof Scalar s && (s.type() == ScalarType.STRING || s.type() == ScalarType.NUMBER)) {
            java.util.regex.Matcher mm = SIZE.matcher(s.text().strip());
            if (mm.matches()) {
                int shift = switch (mm.group(2).toLowerCase(java.util.Locale.ROOT)) {
                    case "k" -> 10;
                    case "m" -> 20;
                    case "g" -> 30;
                    case "t" -> 40;
                    default -> 0;
                };
                try {
                    long n = Long.parseLong(mm.group(1));
                    if (n > 0 && n <= (Long.MAX_VALUE >> shift)) {
                        return Optional.of(n << shift);
                    }
                } catch (NumberFormatException ignored) {
                    // too large: reported below
                }
            }
        }
        error(path, node, "expected a size such as 512m or 2g (k, m, g, t are powers of 1024)");
        return Optional.empty();
    }
}
