package dev.botbottle.core.manifest;

import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One error or warning found while loading manifests, reported as data so that every problem can be shown at once.
 *
 * <p>A message never contains a secret: it names keys and, at most, values that are not secret (names, enum
 * values). Environment values, tokens and host-variable expansions are never quoted.
 *
 * @param severity whether the problem makes the entry invalid ({@link Severity#ERROR}) or is advice
 * @param file the file the problem is in
 * @param keyPath the key path inside the front matter, e.g. {@code egress.routes[0].auth}; empty for the file
 * @param line the 1-based line in {@code file}, where the YAML parser knows it
 * @param message what is wrong and what to do; never a secret
 * @since 0.1
 */
public record ManifestProblem(Severity severity, Path file, String keyPath, OptionalInt line, String message) {

    /**
     * How serious a problem is.
     *
     * @since 0.1
     */
    public enum Severity {
        /** the entry is invalid and left out of the manifest */
        ERROR,
        /** the entry (or file) is usable or skipped on purpose; the user should still know */
        WARNING
    }

    public ManifestProblem {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(keyPath, "keyPath");
        Objects.requireNonNull(line, "line");
        Objects.requireNonNull(message, "message");
    }

    /**
     * @param file the file
     * @param keyPath the key path, empty for the whole file
     * @param line the 1-based line, or 0 or less when unknown
     * @param message the message
     * @return an error
     */
    public static ManifestProblem error(Path file, String keyPath, int line, String message) {
        return new ManifestProblem(Severity.ERROR, file, keyPath, line > 0 ? OptionalInt.of(line) : OptionalInt.empty(),
                message);
    }

    /**
     * @param file the file
     * @param keyPath the key path, empty for the whole file
     * @param line the 1-based line, or 0 or less when unknown
     * @param message the message
     * @return a warning
     */
    public static ManifestProblem warning(Path file, String keyPath, int line, String message) {
        return new ManifestProblem(Severity.WARNING, file, keyPath,
                line > 0 ? OptionalInt.of(line) : OptionalInt.empty(), message);
    }

    /** @return whether this is an {@link Severity#ERROR} */
    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /**
     * Renders the problem the way compilers do, so editors and terminals can jump to it.
     *
     * @return {@code <file>:<line>: <keyPath>: <message>}; the line and the key path are left out when unknown
     *         or empty
     */
    public String render() {
        StringBuilder sb = new StringBuilder(file.toString());
        line.ifPresent(l -> sb.append(':').append(l));
        sb.append(": ");
        if (!keyPath.isEmpty()) {
            sb.append(keyPath).append(": ");
        }
        return sb.append(message).toString();
    }

    @Override
    public String toString() {
        return severity + " " + render();
    }
}
