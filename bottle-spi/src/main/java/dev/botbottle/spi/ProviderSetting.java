package dev.botbottle.spi;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One key an {@link AgentProvider} accepts in a bottle's {@code agent_provider} block, besides {@code template}.
 *
 * <p>The manifest validator checks every key against the provider's declared settings (unknown keys get a "did you
 * mean" hint) and every value against its {@link Kind}, reporting file, key path and line; the JSON Schema of the
 * installed providers is generated from these declarations.
 *
 * @param name the key, e.g. {@code auth_token}; lower snake case
 * @param kind what its value must be
 * @param description one sentence for the docs and the schema
 * @since 0.2
 */
public record ProviderSetting(String name, Kind kind, String description) {

    /** Keys are lower snake case. */
    public static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9_]*$");

    /** What a setting's value must be. */
    public enum Kind {
        /** any non-blank string */
        STRING,
        /** the name of a host environment variable (the variable holds a secret; the manifest never does) */
        HOST_VARIABLE,
        /** {@code true} or {@code false} */
        BOOLEAN,
        /** a whole number */
        INTEGER
    }

    public ProviderSetting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
        if (!NAME.matcher(name).matches() || name.equals("template")) {
            throw new IllegalArgumentException("provider setting '" + name + "' must match " + NAME.pattern()
                    + " and not be 'template'");
        }
    }

    /**
     * @param name the key
     * @param kind what its value must be
     * @param description one sentence for the docs
     * @return the setting
     */
    public static ProviderSetting of(String name, Kind kind, String description) {
        return new ProviderSetting(name, kind, description);
    }
}
