package dev.botbottle.core.plan;

import dev.botbottle.core.manifest.AgentDef;
import dev.botbottle.core.manifest.AgentProviderConfig;
import dev.botbottle.core.manifest.BottleDef;
import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.manifest.ResolvedBottle;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.Availability;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendPlan;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.SkillSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Makes a {@link BottlePlan} from a manifest, an agent name, a backend name and the host.
 *
 * <p>Planning reads no secret and changes nothing, so it serves dry runs, {@code bottle plan} and {@code info}
 * as well as launches.
 *
 * @since 0.1
 */
public final class Planner {

    private static final String SLUG_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Plugins plugins;
    private final HostEnvironment host;

    /**
     * @param plugins where backends and agent providers come from
     * @param host the host's home, environment and bot-bottle home
     */
    public Planner(Plugins plugins, HostEnvironment host) {
        this.plugins = plugins;
        this.host = host;
    }

    /**
     * @param manifest a validated manifest
     * @param agentName the agent to plan for
     * @param backendName the backend to plan for
     * @param label a slug chosen by the caller, or empty for {@code <agent>-<5 random base36>}
     * @return the plan
     * @throws PlanningException when the agent, a skill or an image is missing
     * @throws dev.botbottle.spi.PluginException when the backend or provider is unknown
     */
    public BottlePlan plan(Manifest manifest, String agentName, String backendName, Optional<String> label) {
        AgentDef agent = manifest.agent(agentName).orElseThrow(() -> new PlanningException(
                "unknown agent '" + agentName + "'; available: "
                        + (manifest.agents().isEmpty() ? "none (add one under " + host.botBottleHome().resolve("agents") + ")"
                        : String.join(", ", manifest.agents().keySet()))));
        ResolvedBottle resolved = manifest.bottleFor(agent);
        BottleDef bottle = resolved.bottle();
        String slug = label.map(Planner::checkLabel).orElseGet(() -> newSlug(agent.name()));

        AgentProviderConfig providerConfig = bottle.effectiveAgentProvider();
        AgentProvider provider = plugins.agents().get(providerConfig.template());
        List<SkillSource> skills = skills(agent, resolved.skills());
        AgentPlan draft = new AgentPlan(provider.name(), agent.prompt(), skills, providerConfig.authToken(),
                providerConfig.forwardHostCredentials(), providerConfig.settings(), AgentProvisionPlan.EMPTY);
        AgentProvisionPlan provision = provider.plan(draft.request(agent.name(), slug, host.userHome(), host.environment()));
        AgentPlan agentPlan = new AgentPlan(draft.provider(), draft.prompt(), draft.skills(), draft.authToken(),
                draft.forwardHostCredentials(), draft.settings(), provision);

        ImageSpec image = image(bottle, backendName, provision);
        List<EgressRoute> routes = mergeRoutes(bottle.routes(), provision.egressRoutes());
        BottlePlan plan = new BottlePlan(slug, agent.name(), bottle.name(), backendName, image, bottle.env(),
                resolved.identity(), List.copyOf(bottle.remotes().values()), routes, bottle.supervise(), agentPlan,
                new BackendPlan(backendName, Map.of()), bottle.resources());
        return withBackendPlan(plan);
    }

    private BottlePlan withBackendPlan(BottlePlan plan) {
        BackendProvider backend = plugins.backends().get(plan.backend());
        Availability availability = backend.availability();
        BackendPlan backendPlan;
        if (availability.isAvailable()) {
            BottleSpec spec = plan.toSpec(false);
            backendPlan = backend.create(new BackendContext(host.botBottleHome(), ProgressListener.NONE, Map.of()))
                    .describe(spec);
        } else {
            backendPlan = new BackendPlan(plan.backend(), Map.of("availability", "unavailable: " + availability.reason()));
        }
        return new BottlePlan(plan.slug(), plan.agent(), plan.bottle(), plan.backend(), plan.image(), plan.env(),
                plan.identity(), plan.remotes(), plan.routes(), plan.supervise(), plan.agentPlan(), backendPlan,
                plan.resources());
    }

    /**
     * Merges manifest routes with a provider's: the provider's route wins for its host.
     *
     * @param manifestRoutes the bottle's routes
     * @param providerRoutes the provider's routes
     * @return manifest routes for hosts the provider does not claim, then the provider's routes
     */
    public static List<EgressRoute> mergeRoutes(List<EgressRoute> manifestRoutes, List<EgressRoute> providerRoutes) {
        Map<String, EgressRoute> byHost = new LinkedHashMap<>();
        for (EgressRoute r : manifestRoutes) {
            byHost.put(r.host(), r);
        }
        for (EgressRoute r : providerRoutes) {
            byHost.remove(r.host());
        }
        List<EgressRoute> merged = new ArrayList<>(byHost.values());
        merged.addAll(providerRoutes);
        return merged;
    }

    private ImageSpec image(BottleDef bottle, String backendName, AgentProvisionPlan provision) {
        return bottle.imageFor(backendName).map(ImageSpec::of).or(provision::image).orElseThrow(() ->
                new PlanningException("bottle '" + bottle.name() + "' has no image for backend '" + backendName + "' and its agent provider ships none; set `image:` in "
                + bottle.file()));
    }

    private List<SkillSource> skills(AgentDef agent, List<String> names) {
        List<Path> roots = List.of(host.botBottleHome().resolve("skills"), host.userHome().resolve(".claude/skills"));
        List<SkillSource> out = new ArrayList<>();
        for (String name : names) {
            Path dir = roots.stream().map(r -> r.resolve(name)).filter(d -> Files.isRegularFile(d.resolve("SKILL.md")))
                    .findFirst().orElseThrow(() -> new PlanningException("skill '" + name + "' (agent '" + agent.name()
                            + "') not found: looked for SKILL.md in " + roots.stream().map(r -> r.resolve(name).toString())
                            .reduce((a, b) -> a + " and " + b).orElse("")));
            out.add(new SkillSource(name, dir));
        }
        return out;
    }

    private static String checkLabel(String label) {
        if (!BottleSpec.NAME.matcher(label).matches()) {
            throw new PlanningException("label '" + label + "' must match " + BottleSpec.NAME.pattern()
                    + " (lower-case letters, digits and dashes, starting with a letter)");
        }
        return label;
    }

    /**
     * @param agent the agent's name
     * @return {@code <agent>-<5 random base36 characters>}
     */
    public static String newSlug(String agent) {
        StringBuilder b = new StringBuilder(agent).append('-');
        for (int i = 0; i < 5; i++) {
            b.append(SLUG_ALPHABET.charAt(RANDOM.nextInt(SLUG_ALPHABET.length())));
        }
        return b.toString();
    }
}
