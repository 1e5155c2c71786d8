package dev.botbottle.core.plan;

import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.SkillSource;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The agent part of a plan: which provider, what it is told, and what it planned.
 *
 * @param provider the agent provider's template name
 * @param prompt the agent's system prompt
 * @param skills the skills to install
 * @param settings the provider's settings from the bottle's {@code agent_provider} block, checked against what the
 *                 provider declares
 * @param provision what the provider planned
 * @since 0.1
 */
public record AgentPlan(String provider, String prompt, List<SkillSource> skills, Map<String, String> settings,
                        AgentProvisionPlan provision) {
    public AgentPlan {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(provision, "provision");
        skills = List.copyOf(skills);
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** @param planned what the provider planned @return a copy carrying it */
    public AgentPlan withProvision(AgentProvisionPlan planned) {
        return new AgentPlan(provider, prompt, skills, settings, planned);
    }

    /**
     * @param agent the agent's name
     * @param slug the bottle's slug
     * @param hostHome the host user's home
     * @param hostEnvironment the host environment
     * @return the request the provider is called with
     */
    public AgentRequest request(String agent, String slug, Path hostHome, Map<String, String> hostEnvironment) {
        return AgentRequest.builder(agent, slug).prompt(prompt).skills(skills).settings(settings).hostHome(hostHome)
                .hostEnvironment(hostEnvironment).build();
    }
}
