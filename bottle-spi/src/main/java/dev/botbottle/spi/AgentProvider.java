package dev.botbottle.spi;

import java.util.List;
import java.util.Map;

/**
 * Knows one agent CLI (Claude Code, Codex, ...): its image, how to log it in with placeholders, where its prompt,
 * skills and MCP servers go, and how to run it headless.
 *
 * <p>Found with {@link java.util.ServiceLoader}, selected by {@link #name()} ({@code agent_provider.template}).
 * The runtime calls, in order: {@link #plan} (at plan time, also for dry runs; reads no secret),
 * {@link #credentials} (at prepare, once per launch), {@link #provisioningSteps} and
 * {@link #superviseSteps} (once the bottle runs), then {@link #interactiveCommand} or {@link #headlessCommand}.
 *
 * @since 0.1
 */
public interface AgentProvider {

    /** @return the template name used in manifests, e.g. {@code claude}; lower case, stable */
    String name();

    /** @return whether this provider can be used on this host, and if not why */
    default Availability availability() {
        return Availability.ok();
    }

    /**
     * The keys this provider accepts in a bottle's {@code agent_provider} block besides {@code template}. The
     * manifest validator rejects any other key (with a "did you mean" hint) and checks each value's kind.
     *
     * @return the provider's settings, in documentation order
     * @since 0.2
     */
    default List<ProviderSetting> settings() {
        return List.of();
    }

    /**
     * Checks what the kinds cannot: settings that exclude or need each other, values that must name a file. Called
     * by the manifest validator and by the planner, after each value has been checked against its kind.
     *
     * @param settings the bottle's settings
     * @return every problem found, each naming its key; empty when the settings are usable
     * @since 0.2
     */
    default List<SettingProblem> validate(ProviderSettings settings) {
        return List.of();
    }

    /**
     * Where this agent's CLI keeps skills on the host, searched (after {@code $BOT_BOTTLE_HOME/skills}) for the
     * skills an agent names, so a user's existing skills work in the bottle.
     *
     * @param hostHome the host user's home
     * @return directories holding one directory per skill (each with a {@code SKILL.md}); empty by default
     * @since 0.2
     */
    default List<java.nio.file.Path> hostSkillDirectories(java.nio.file.Path hostHome) {
        return List.of();
    }

    /**
     * Plans what the agent needs. Pure: reads no secret and changes nothing, so dry runs can call it.
     *
     * @param request the agent
     * @return routes, placeholders, hidden names, image
     * @throws BottleException when the request is unusable for this provider (the message says which key)
     */
    AgentProvisionPlan plan(AgentRequest request);

    /**
     * Resolves the credentials named in the plan's {@link AgentProvisionPlan#credentialRefs()}, e.g. from the
     * host's own login of the CLI. Called once at prepare.
     *
     * @param request the agent
     * @return values by reference; every reference in the plan must be present
     * @throws CredentialException when the host login is missing, malformed or expired — the message names the
     *                             file, never a value
     */
    default Map<String, Secret> credentials(AgentRequest request) {
        return Map.of();
    }

    /**
     * The files, environment and commands that set the CLI up inside the bottle: prompt, skills, config files.
     *
     * @param request the agent
     * @param bottle the running bottle (for its agent user and home); providers do not exec through it
     * @return the steps, in order
     */
    List<ProvisionStep> provisioningSteps(AgentRequest request, Bottle bottle);

    /**
     * The steps that register the supervise MCP server with the CLI, run with the CLI's own command. A failing
     * registration should be an {@link ProvisionStep.RunCommand#optional() optional} command.
     *
     * @param endpoint where the server is and its bearer
     * @return the steps, in order
     */
    List<ProvisionStep> superviseSteps(SuperviseEndpoint endpoint);

    /** @return the argv that starts the CLI interactively in the bottle */
    List<String> interactiveCommand();

    /**
     * @param prompt the task
     * @return the argv that runs the CLI non-interactively on {@code prompt}, streaming its output
     */
    List<String> headlessCommand(String prompt);
}
