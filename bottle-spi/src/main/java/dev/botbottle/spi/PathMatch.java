package dev.botbottle.spi;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A path rule: a prefix or a regular expression (matched against the whole path, query excluded).
 *
 * <p>A prefix ends at a segment boundary: {@code /repos/acme} admits {@code /repos/acme} and
 * {@code /repos/acme/widgets} but not {@code /repos/acme-evil}; a prefix ending in {@code /} admits what starts
 * with it.
 *
 * @param type how {@link #value()} is compared
 * @param value the prefix or the regular expression
 * @since 0.1
 */
public record PathMatch(Type type, String value) {

    /** How a path rule compares. */
    public enum Type {
        /** the path is the value, or continues it after a {@code /} */
        PREFIX,
        /** the whole path matches the value as a {@link java.util.regex.Pattern} */
        REGEX
    }

    public PathMatch {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        if (type == Type.REGEX) {
            try {
                Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid path regex '" + value + "': " + e.getDescription(), e);
            }
        }
    }

    /**
     * @param path a request path, without the query
     * @return whether the rule admits it
     */
    public boolean matches(String path) {
        if (type == Type.REGEX) {
            return Pattern.matches(value, path);
        }
        return path.startsWith(value) && (path.length() == value.length() || value.endsWith("/")
                || path.charAt(value.length()) == '/');
    }
}
