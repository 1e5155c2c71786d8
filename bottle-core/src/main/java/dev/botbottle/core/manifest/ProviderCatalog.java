package dev.botbottle.core.manifest;

import dev.botbottle.spi.AgentProvider;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The agent providers installed on this host, as the manifest validator and the planner see them: which templates
 * exist, what settings each accepts, and which template a bottle without {@code agent_provider.template} uses.
 *
 * @param providers the installed providers by template name
 * @param defaultTemplate the template of a bottle that names none; empty makes {@code template} required
 * @since 0.2
 */
public record ProviderCatalog(Map<String, AgentProvider> providers, Optional<String> defaultTemplate) {

    /** Knows no provider: settings are not checked until a plan is made. */
    public static final ProviderCatalog UNKNOWN = new ProviderCatalog(Map.of(), Optional.empty());

    public ProviderCatalog {
        providers = Collections.unmodifiableMap(new LinkedHashMap<>(providers));
        Objects.requireNonNull(defaultTemplate, "defaultTemplate");
    }

    /** @return whether this catalog lists installed providers (the unknown one lists none) */
    public boolean knowsProviders() {
        return !providers.isEmpty();
    }

    /**
     * @param config a bottle's provider block
     * @return the template it runs: its own, else the default
     */
    public Optional<String> templateOf(AgentProviderConfig config) {
        return config.template().or(() -> defaultTemplate);
    }

    /** @return a copy whose bottles without a template use {@code template} @param template a template name */
    public ProviderCatalog withDefaultTemplate(String template) {
        return new ProviderCatalog(providers, Optional.of(template));
    }
}
