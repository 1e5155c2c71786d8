package dev.botbottle.core.plan;

import dev.botbottle.core.manifest.AgentDef;
import dev.botbottle.core.manifest.AgentProviderConfig;
import dev.botbottle.core.manifest.BottleDef;
import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.manifest.ProviderCatalog;
import dev.botbottle.core.manifest.ProviderSettingsCheck;
import dev.botbottle.core.manifest.ResolvedBottle;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.Availability;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendPlan;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.SettingProblem;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GatewayServiceProvider;
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
    private final Optional<String> defaultTemplate;
    private final Map<String, String> backendOptions;

    /**
     * A planner with no default template: every bottle must name its {@code agent_provider.template}.
     *
     * @param plugins where backends and agent providers come from
     * @param host the host's home, environment and bot-bottle home
     */
    public Planner(Plugins plugins, HostEnvironment host) {
        this(plugins, host, Optional.empty(), Map.of());
    }

    private Planner(Plugins plugins, HostEnvironment host, Optional<String> defaultTemplate,
                    Map<String, String> backendOptions) {
        this.plugins = plugins;
        this.host = host;
        this.defaultTemplate = defaultTemplate;
        this.backendOptions = Map.copyOf(backendOptions);
    }

    /**
     * @param template the template a bottle that names none uses (the {@code bottle} CLI sets one)
     * @return a planner with that default
     * @since 0.2
     */
    public Planner withDefaultTemplate(String template) {
        return new Planner(plugins, host, Optional.of(template), backendOptions);
    }

    /**
     * @param options the backend options the launch will use (e.g. {@code docker.binary}), so the preflight
     *                describes what the launch does
     * @return a planner describing backends with those options
     * @since 0.2
     */
    public Planner withBackendOptions(Map<String, String> options) {
        return new Planner(plugins, host, defaultTemplate, options);
    }

    /** @return the installed providers and this planner's default template, for the manifest validator */
    public ProviderCatalog catalog() {
        return new ProviderCatalog(plugins.agents().all(), defaultTemplate);
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

        AgentProvider provider = provider(bottle);
        List<SkillSource> skills = skills(agent, resolved.skills(), provider);
        AgentPlan draft = new AgentPlan(provider.name(), agent.prompt(), skills,
                bottle.effectiveAgentProvider().settings(), AgentProvisionPlan.EMPTY);
        AgentPlan agentPlan = draft.withProvision(
                provider.plan(draft.request(agent.name(), slug, host.userHome(), host.environment())));

        BottlePlan plan = BottlePlan.builder().slug(slug).agent(agent.name()).bottle(bottle.name()).backend(backendName)
                .image(image(bottle, backendName, agentPlan.provision())).env(bottle.env()).identity(resolved.identity())
                .remotes(List.copyOf(bottle.remotes().values()))
                .routes(mergeRoutes(bottle.routes(), agentPlan.provision().egressRoutes()))
                .supervise(bottle.supervise()).agentPlan(agentPlan).resources(bottle.resources())
                .upstreamCaFiles(bottle.upstreamCaFiles()).build();
        List<String> notices = new ArrayList<>();
        Availability agentAvailability = provider.availability();
        if (!agentAvailability.isAvailable()) {
            notices.add("agent provider '" + provider.name() + "' is not available on this host: "
                    + agentAvailability.reason());
        }
        List<String> services = services(plan, notices);
        return plan.toBuilder().backendPlan(backendPlan(plan)).services(services).notices(notices).build();
    }

    /**
     * @return the gateway services that will run for the plan; what it wants but this build lacks goes into
     *         {@code notices}
     */
    private List<String> services(BottlePlan plan, List<String> notices) {
        var installed = plugins.gateways().all().keySet();
        List<String> services = installed.stream().filter(plan::wants).toList();
        if (!installed.contains(GatewayServiceProvider.EGRESS)) {
            notices.add("this build has no egress gateway: the bottle will reach no host at all, its routes included");
        }
        if (!plan.remotes().isEmpty() && !installed.contains(GatewayServiceProvider.GIT_GATE)) {
            notices.add("this build has no git gate: the bottle will get no git access to "
                    + plan.remotes().stream().map(r -> r.name()).collect(java.util.stream.Collectors.joining(", ")));
        }
        if (plan.supervise() && !installed.contains(GatewayServiceProvider.SUPERVISE)) {
            notices.add("supervise is on, but this build has no supervise server: the agent cannot ask for more");
        }
        for (var remote : plan.remotes()) {
            remote.provisionedKey().ifPresent(key -> {
                var factory = plugins.deployKeys().all().get(key.provider());
                if (factory == null) {
                    notices.add("remote " + remote.name() + " wants a deploy key from '" + key.provider()
                            + "', but no such deploy-key provisioner is installed (installed: "
                            + (plugins.deployKeys().all().isEmpty() ? "none"
                            : String.join(", ", plugins.deployKeys().all().keySet())) + "); the launch will fail");
                } else if (!factory.availability().isAvailable()) {
                    notices.add("deploy-key provisioner '" + key.provider() + "' (remote " + remote.name()
                            + ") is not available: " + factory.availability().reason());
                }
            });
        }
        plugins.problems().forEach(p -> notices.add("plugin problem: " + p));
        return services;
    }

    /** The bottle's provider, its settings checked against what the provider declares. */
    private AgentProvider provider(BottleDef bottle) {
        AgentProviderConfig config = bottle.effectiveAgentProvider();
        ProviderCatalog catalog = catalog();
        String template = catalog.templateOf(config).orElseThrow(() -> new PlanningException("bottle '"
                + bottle.name() + "' names no agent_provider.template and this host has no default; set one in "
                + bottle.file() + " (installed: " + String.join(", ", plugins.agents().all().keySet()) + ")"));
        AgentProvider provider = plugins.agents().get(template);
        List<SettingProblem> problems = ProviderSettingsCheck.check(provider, config.settings(), catalog);
        if (!problems.isEmpty()) {
            StringBuilder b = new StringBuilder("bottle '" + bottle.name() + "' (" + bottle.file()
                    + ") has agent_provider settings its template '" + template + "' does not accept:");
            problems.forEach(p -> b.append("\n  agent_provider.").append(p.key()).append(": ").append(p.message()));
            throw new PlanningException(b.toString());
        }
        return provider;
    }

    private BackendPlan backendPlan(BottlePlan plan) {
        BackendProvider backend = plugins.backends().get(plan.backend());
        Availability availability = backend.availability();
        if (!availability.isAvailable()) {
            return new BackendPlan(plan.backend(), Map.of("availability", "unavailable: " + availability.reason()));
        }
        return backend.create(new BackendContext(host.botBottleHome(), ProgressListener.NONE, backendOptions))
                .describe(plan.toSpec(false));
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

    /** Skills come from the bot-bottle home's {@code skills/}, then from where the agent's own CLI keeps them. */
    private List<SkillSource> skills(AgentDef agent, List<String> names, AgentProvider provider) {
        List<Path> roots = new ArrayList<>(List.of(host.botBottleHome().resolve("skills")));
        roots.addAll(provider.hostSkillDirectories(host.userHome()));
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
