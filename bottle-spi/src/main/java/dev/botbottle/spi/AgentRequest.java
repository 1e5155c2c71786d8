package dev.botbottle.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an {@link AgentProvider} is told about the agent it provisions.
 *
 * <p>The runtime makes these; a provider's unit tests make them with {@link #builder(String, String)} (ADR 11:
 * components may be added in a minor version, the builder keeps working).
 *
 * @param agent the agent's name
 * @param slug the bottle's slug (for titles and labels)
 * @param prompt the agent's system prompt (its Markdown body); may be empty
 * @param skills the skills to install
 * @param settings the bottle's {@code agent_provider} settings, validated against the provider's
 *                 {@link AgentProvider#settings() declarations}
 * @param hostHome the host user's home directory (where a provider finds its host login)
 * @param hostEnvironment the host environment (read-only; a provider reads names it documents, e.g. {@code CODEX_HOME})
 * @since 0.1
 */
public record AgentRequest(String agent, String slug, String prompt, List<SkillSource> skills,
                           ProviderSettings settings, Path hostHome, Map<String, String> hostEnvironment) {
    public AgentRequest {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(hostHome, "hostHome");
        skills = List.copyOf(skills);
        hostEnvironment = Map.copyOf(hostEnvironment);
    }

    /**
     * @param agent the agent's name
     * @param slug the bottle's slug
     * @return a builder: no prompt, skills or settings, the current user's home, an empty host environment
     * @since 0.2
     */
    public static Builder builder(String agent, String slug) {
        return new Builder(agent, slug);
    }

    /** @return a builder holding this request's values @since 0.2 */
    public Builder toBuilder() {
        return new Builder(agent, slug).prompt(prompt).skills(skills).settings(settings).hostHome(hostHome)
                .hostEnvironment(hostEnvironment);
    }

    /** @return a short form without the host environment */
    @Override
    public String toString() {
        return "AgentRequest[agent=" + agent + ", slug=" + slug + ", skills=" + skills.size() + ", settings="
                + settings.keys() + "]";
    }

    /**
     * Makes an {@link AgentRequest}.
     *
     * @since 0.2
     */
    public static final class Builder {
        private final String agent;
        private final String slug;
        private String prompt = "";
        private List<SkillSource> skills = List.of();
        private ProviderSettings settings = ProviderSettings.EMPTY;
        private Path hostHome = Path.of(System.getProperty("user.home"));
        private Map<String, String> hostEnvironment = Map.of();

        private Builder(String agent, String slug) {
            this.agent = Objects.requireNonNull(agent, "agent");
            this.slug = Objects.requireNonNull(slug, "slug");
        }

        /** @param value the system prompt @return this builder */
        public Builder prompt(String value) {
            this.prompt = Objects.requireNonNull(value, "prompt");
            return this;
        }

        /** @param value the skills to install @return this builder */
        public Builder skills(List<SkillSource> value) {
            this.skills = List.copyOf(value);
            return this;
        }

        /** @param value the provider settings @return this builder */
        public Builder settings(ProviderSettings value) {
            this.settings = Objects.requireNonNull(value, "settings");
            return this;
        }

        /** @param values the provider settings by key @return this builder */
        public Builder settings(Map<String, String> values) {
            return settings(ProviderSettings.of(values));
        }

        /** @param value the host user's home @return this builder */
        public Builder hostHome(Path value) {
            this.hostHome = Objects.requireNonNull(value, "hostHome");
            return this;
        }

        /** @param value the host environment @return this builder */
        public Builder hostEnvironment(Map<String, String> value) {
            this.hostEnvironment = Map.copyOf(value);
            return this;
        }

        /** @return the request */
        public AgentRequest build() {
            return new AgentRequest(agent, slug, prompt, skills, settings, hostHome, hostEnvironment);
        }
    }
}
