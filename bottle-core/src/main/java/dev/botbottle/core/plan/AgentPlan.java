package dev.botbottle.core.plan;

import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.SkillSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The agent part of a plan: which provider, what it is told, and what it planned.
 *
 * @param provider the agent provider's template name
 * @param prompt the agent's system prompt
 * @param skills the skills to install
 * @param authToken the host variable naming the provider's token, if any
 * @param forwardHostCredentials whether the provider forwards the host's own login
 * @param settings other provider settings
 * @param provision what the provider planned
 * @since 0.1
 */
public record AgentPlan(String provider, String prompt, List<SkillSource> skills, Optional<String> authToken,
                        boolean forwardHostCredentials, Map<String, String> settings, AgentProvisionPlan provision) {
    public AgentPlan {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(authToken, "authToken");
        Objects.requireNonNull(provision, "provision");
        skills = List.copyOf(skills);
        settings = Map.copyOf(settings);
    }

    /**
     * @param agent the agent's name
     * @param slug the bottle's slug
     * @param hostHome the host user's home
     * @param hostEnvironment the host environment
     * @return the request the provider is called with
     */
    public AgentRequest request(String agent, String slug, Path hostHome, Map<String, String> hostEnvironment) {
        return new AgentRequest(agent, slug, prompt, skills, authToken, forwardHostCredentials, settings, hostHome,
                hostEnvironment);
    }
}
