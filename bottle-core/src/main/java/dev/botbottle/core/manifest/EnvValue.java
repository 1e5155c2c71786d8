package dev.botbottle.core.manifest;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The value of one {@code env} entry of a bottle: a literal, a prompt at launch, or a copy of a host variable.
 *
 * <p>Manifest forms: {@code "?"} or {@code "?message"} is a {@link Prompt}; {@code "${NAME}"} is a
 * {@link HostVariable} ({@code NAME} must match {@code ^[A-Za-z_][A-Za-z0-9_]*$}); anything else is a
 * {@link Literal}. Only a literal holds its value: prompts and host variables are resolved at launch and never
 * stored here.
 *
 * @since 0.1
 */
public sealed interface EnvValue permits EnvValue.Literal, EnvValue.Prompt, EnvValue.HostVariable {

    /** The pattern a host variable name must match. */
    Pattern VARIABLE_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");

    /**
     * A value written in the manifest as it is. It may be a secret: show it only where the user asked for it.
     *
     * @param value the value
     * @since 0.1
     */
    record Literal(String value) implements EnvValue {
        public Literal {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return value;
        }
    }

    /**
     * A value asked for on the terminal at launch; the answer is never stored.
     *
     * @param message the text shown when asking, empty for none
     * @since 0.1
     */
    record Prompt(String message) implements EnvValue {
        public Prompt {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String toString() {
            return message.isEmpty() ? "?" : "?" + message;
        }
    }

    /**
     * A value copied from the host's environment at launch; only the name is held here.
     *
     * @param name the host variable's name
     * @since 0.1
     */
    record HostVariable(String name) implements EnvValue {
        public HostVariable {
            Objects.requireNonNull(name, "name");
            if (!VARIABLE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("host variable name must match " + VARIABLE_NAME.pattern());
            }
        }

        @Override
        public String toString() {
            return "${" + name + "}";
        }
    }

    /**
     * Parses the manifest form of a value.
     *
     * @param text the value as written
     * @return the value
     * @throws IllegalArgumentException when {@code text} has the {@code ${...}} form with a bad name; the message
     *         does not quote {@code text}
     */
    static EnvValue parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.startsWith("?")) {
            return new Prompt(text.substring(1));
        }
        if (text.startsWith("${") && text.endsWith("}")) {
            String name = text.substring(2, text.length() - 1);
            if (!VARIABLE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("a host variable reference must be ${NAME} with NAME matching "
                        + VARIABLE_NAME.pattern());
            }
            return new HostVariable(name);
        }
        return new Literal(text);
    }
}
