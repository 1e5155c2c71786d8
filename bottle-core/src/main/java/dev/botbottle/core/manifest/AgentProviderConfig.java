package dev.botbottle.core.manifest;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A bottle's {@code agent_provider} block: which agent provider runs in the bottle, and that provider's own
 * settings. Core knows no provider: the settings are checked against what the provider declares
 * ({@link dev.botbottle.spi.AgentProvider#settings()}) by {@link ProviderSettingsCheck}.
 *
 * @param template the provider's name; empty means the host's default ({@link ProviderCatalog#defaultTemplate()})
 * @param settings every other key of the block, as text (booleans {@code true}/{@code false})
 * @since 0.1
 */
public record AgentProviderConfig(Optional<String> template, Map<String, String> settings) {

    /** No block: the host's default template, no settings. */
    public static final AgentProviderConfig DEFAULT = new AgentProviderConfig(Optional.empty(), Map.of());

    public AgentProviderConfig {
        Objects.requireNonNull(template, "template");
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /**
     * @param template the provider's name
     * @param settings its settings
     * @return a block naming {@code template}
     */
    public static AgentProviderConfig of(String template, Map<String, String> settings) {
        return new AgentProviderConfig(Optional.of(template), settings);
    }
}
