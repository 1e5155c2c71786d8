package dev.botbottle.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link AgentProvider} is told about the agent it provisions.
 *
 * @param agent the agent's name
 * @param slug the bottle's slug (for titles and labels)
 * @param prompt the agent's system prompt (its Markdown body); may be empty
 * @param skills the skills to install
 * @param authToken {@code agent_provider.auth_token}: the name of the host variable holding the token
 * @param forwardHostCredentials {@code agent_provider.forward_host_credentials}
 * @param settings other {@code agent_provider} keys, as strings, for third-party providers
 * @param hostHome the host user's home directory (where a provider finds its host login)
 * @param hostEnvironment the host environment (read-only; a provider reads names it documents, e.g. {@code CODEX_HOME})
 * @since 0.1
 */
public record AgentRequest(String agent, String slug, String prompt, List<SkillSource> skills, Optional<String> authToken,
                           boolean forwardHostCredentials, Map<String, String> settings, Path hostHome,
                           Map<String, String> hostEnvironment) {
    public AgentRequest {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(authToken, "authToken");
        Objects.requireNonNull(hostHome, "hostHome");
        skills = List.copyOf(skills);
        settings = Map.copyOf(settings);
        hostEnvironment = Map.copyOf(hostEnvironment);
    }

    /** @return a short form without the host environment */
    @Override
    public String toString() {
        return "AgentRequest[agent=" + agent + ", slug=" + slug + ", skills=" + skills.size() + ", authToken=" + authToken
                + ", forwardHostCredentials=" + forwardHostCredentials + ", settings=" + settings.keySet() + "]";
    }
}
