package dev.botbottle.core.plan;

import dev.botbottle.core.manifest.EnvValue;
import dev.botbottle.core.manifest.GitIdentity;
import dev.botbottle.spi.BackendPlan;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GitRemote;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ResourceLimits;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a launch will do, decided before anything is created: the single source of truth backends,
 * providers and gateway services read (never the manifest).
 *
 * <p>Immutable and free of secrets: env values that come from the host or a prompt are kept as references,
 * credentials as {@code token_ref} names. {@link PlanRenderer} turns it into the preflight text and
 * {@link PlanJson} into JSON.
 *
 * @param slug the bottle's unique name
 * @param agent the agent's name
 * @param bottle the bottle's name
 * @param backend the backend's name
 * @param image the image the bottle starts from
 * @param env the bottle's environment as declared (literal, prompted, or copied from the host)
 * @param identity the git identity with per-field provenance
 * @param remotes the git remotes the git gate brokers
 * @param routes the egress routes, manifest and provider merged (the provider's route wins for its host)
 * @param supervise whether the supervise server runs
 * @param agentPlan the agent provider's part
 * @param backendPlan the backend's part
 * @param resources resource limits
 * @since 0.1
 */
public record BottlePlan(String slug, String agent, String bottle, String backend, ImageSpec image,
                         Map<String, EnvValue> env, GitIdentity identity, List<GitRemote> remotes,
                         List<EgressRoute> routes, boolean supervise, AgentPlan agentPlan, BackendPlan backendPlan,
                         ResourceLimits resources) {

    public BottlePlan {
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(bottle, "bottle");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(agentPlan, "agentPlan");
        Objects.requireNonNull(backendPlan, "backendPlan");
        Objects.requireNonNull(resources, "resources");
        env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
        remotes = List.copyOf(remotes);
        routes = List.copyOf(routes);
    }

    /**
     * The backend's view of this plan. Literal env values and the provider's placeholders go into the bottle's
     * own environment; prompted and host values never do (they are handed over at exec time).
     *
     * @param allowWeakIsolation whether the caller accepts weaker host isolation
     * @return the spec
     */
    public BottleSpec toSpec(boolean allowWeakIsolation) {
        Map<String, String> literal = new LinkedHashMap<>();
        env.forEach((name, value) -> {
            if (value instanceof EnvValue.Literal l) {
                literal.put(name, l.value());
            }
        });
        literal.putAll(agentPlan.provision().env());
        literal.putAll(agentPlan.provision().placeholderEnv());
        return new BottleSpec(slug, agent, image, literal, Map.of("dev.botbottle.agent", agent,
                "dev.botbottle.bottle", bottle), resources, allowWeakIsolation);
    }

    /** @return a copy with another slug (a label chosen at launch) */
    public BottlePlan withSlug(String newSlug) {
        return new BottlePlan(newSlug, agent, bottle, backend, image, env, identity, remotes, routes, supervise,
                agentPlan, backendPlan, resources);
    }
}
