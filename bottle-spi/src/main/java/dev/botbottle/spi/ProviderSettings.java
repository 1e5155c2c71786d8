package dev.botbottle.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The values of a bottle's {@code agent_provider} settings (every key but {@code template}), as validated against
 * the provider's {@link AgentProvider#settings() declarations}: booleans are {@code "true"}/{@code "false"},
 * integers their decimal form. Never holds a secret: settings name host variables, they do not carry their values.
 *
 * @since 0.2
 */
public final class ProviderSettings {

    /** No settings. */
    public static final ProviderSettings EMPTY = new ProviderSettings(Map.of());

    private final Map<String, String> values;

    private ProviderSettings(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * @param values setting values by key
     * @return the settings
     */
    public static ProviderSettings of(Map<String, String> values) {
        values.forEach((k, v) -> {
            Objects.requireNonNull(k, "key");
            Objects.requireNonNull(v, "value of " + k);
        });
        return values.isEmpty() ? EMPTY : new ProviderSettings(values);
    }

    /** @param key a setting @return its value, if set */
    public Optional<String> string(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** @param key a boolean setting @return whether it is set to {@code true} */
    public boolean flag(String key) {
        return "true".equals(values.get(key));
    }

    /** @param key an integer setting @return its value, if set */
    public Optional<Long> integer(String key) {
        return string(key).map(Long::parseLong);
    }

    /** @return the keys that are set */
    public Set<String> keys() {
        return values.keySet();
    }

    /** @return every value by key, in manifest order */
    public Map<String, String> asMap() {
        return values;
    }

    /** @return whether nothing is set */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProviderSettings p && values.equals(p.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "ProviderSettings" + values;
    }
}
