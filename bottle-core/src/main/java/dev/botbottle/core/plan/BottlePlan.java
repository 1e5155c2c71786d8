package dev.botbottle.core.plan;

import dev.botbottle.core.manifest.EnvValue;
import dev.botbottle.core.manifest.GitIdentity;
import dev.botbottle.core.manifest.GitUser;
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
 * @param services the gateway services that will run for the bottle (installed, and wanted by the plan)
 * @param upstreamCaFiles host files of extra CA certificates the egress gateway trusts upstream
 *                        ({@code egress.upstream_ca_files})
 * @param notices what the bottle asks for that this build or host will not give it (a service that is not
 *                installed, a plugin that is unavailable), for the preflight and the launch's warnings
 * @since 0.1
 * @see #builder() the way to make one: components may be added in a minor version (ADR 11)
 */
public record BottlePlan(String slug, String agent, String bottle, String backend, ImageSpec image,
                         Map<String, EnvValue> env, GitIdentity identity, List<GitRemote> remotes,
                         List<EgressRoute> routes, boolean supervise, AgentPlan agentPlan, BackendPlan backendPlan,
                         ResourceLimits resources, List<java.nio.file.Path> upstreamCaFiles, List<String> services,
                         List<String> notices) {

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
        upstreamCaFiles = List.copyOf(upstreamCaFiles);
        services = List.copyOf(services);
        notices = List.copyOf(notices);
    }

    /**
     * @param service a gateway service's name
     * @return whether this bottle wants it started when it is installed: every service, but supervise only when on
     *         and the git gate only when the bottle has remotes
     */
    public boolean wants(String service) {
        return switch (service) {
            case dev.botbottle.spi.GatewayServiceProvider.SUPERVISE -> supervise;
            case dev.botbottle.spi.GatewayServiceProvider.GIT_GATE -> !remotes.isEmpty();
            default -> true;
        };
    }

    /** @param name a gateway service's name @return whether it runs for this bottle (installed and wanted) */
    public boolean runs(String name) {
        return services.contains(name);
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
        return BottleSpec.builder(slug, agent, image).env(literal)
                .labels(Map.of("dev.botbottle.agent", agent, "dev.botbottle.bottle", bottle)).limits(resources)
                .allowWeakIsolation(allowWeakIsolation).build();
    }

    /** @return a copy with another slug (a label chosen at launch) */
    public BottlePlan withSlug(String newSlug) {
        return toBuilder().slug(newSlug).build();
    }

    /** @param newRoutes the complete route list @return a copy with those routes (e.g. after an approved widening) */
    public BottlePlan withRoutes(List<EgressRoute> newRoutes) {
        return toBuilder().routes(newRoutes).build();
    }

    /** @return a builder; slug, agent, bottle, backend, image and the agent plan must be set @since 0.2 */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this plan's values @since 0.2 */
    public Builder toBuilder() {
        return new Builder().slug(slug).agent(agent).bottle(bottle).backend(backend).image(image).env(env)
                .identity(identity).remotes(remotes).routes(routes).supervise(supervise).agentPlan(agentPlan)
                .backendPlan(backendPlan).resources(resources).upstreamCaFiles(upstreamCaFiles).services(services).notices(notices);
    }

    /**
     * Makes a {@link BottlePlan}.
     *
     * @since 0.2
     */
    public static final class Builder {
        private String slug;
        private String agent;
        private String bottle;
        private String backend;
        private ImageSpec image;
        private Map<String, EnvValue> env = Map.of();
        private GitIdentity identity = GitIdentity.overlay(GitUser.NONE, GitUser.NONE);
        private List<GitRemote> remotes = List.of();
        private List<EgressRoute> routes = List.of();
        private boolean supervise;
        private AgentPlan agentPlan;
        private BackendPlan backendPlan;
        private ResourceLimits resources = ResourceLimits.NONE;
        private List<java.nio.file.Path> upstreamCaFiles = List.of();
        private List<String> services = List.of();
        private List<String> notices = List.of();

        private Builder() {
        }

        /** @param value extra CA files the egress gateway trusts upstream @return this builder */
        public Builder upstreamCaFiles(List<java.nio.file.Path> value) {
            this.upstreamCaFiles = value;
            return this;
        }

        /** @param value the gateway services that will run @return this builder */
        public Builder services(List<String> value) {
            this.services = value;
            return this;
        }

        /** @param value what is asked for but will not be given @return this builder */
        public Builder notices(List<String> value) {
            this.notices = value;
            return this;
        }

        /** @param value the bottle's unique name @return this builder */
        public Builder slug(String value) {
            this.slug = value;
            return this;
        }

        /** @param value the agent's name @return this builder */
        public Builder agent(String value) {
            this.agent = value;
            return this;
        }

        /** @param value the bottle's name @return this builder */
        public Builder bottle(String value) {
            this.bottle = value;
            return this;
        }

        /** @param value the backend's name @return this builder */
        public Builder backend(String value) {
            this.backend = value;
            return this;
        }

        /** @param value the image @return this builder */
        public Builder image(ImageSpec value) {
            this.image = value;
            return this;
        }

        /** @param value the declared environment @return this builder */
        public Builder env(Map<String, EnvValue> value) {
            this.env = value;
            return this;
        }

        /** @param value the git identity @return this builder */
        public Builder identity(GitIdentity value) {
            this.identity = value;
            return this;
        }

        /** @param value the git remotes @return this builder */
        public Builder remotes(List<GitRemote> value) {
            this.remotes = value;
            return this;
        }

        /** @param value the egress routes @return this builder */
        public Builder routes(List<EgressRoute> value) {
            this.routes = value;
            return this;
        }

        /** @param value whether supervise runs @return this builder */
        public Builder supervise(boolean value) {
            this.supervise = value;
            return this;
        }

        /** @param value the agent part @return this builder */
        public Builder agentPlan(AgentPlan value) {
            this.agentPlan = value;
            return this;
        }

        /** @param value the backend part @return this builder */
        public Builder backendPlan(BackendPlan value) {
            this.backendPlan = value;
            return this;
        }

        /** @param value resource limits @return this builder */
        public Builder resources(ResourceLimits value) {
            this.resources = value;
            return this;
        }

        /** @return the plan; a missing backend part becomes an empty one for the backend */
        public BottlePlan build() {
            return new BottlePlan(slug, agent, bottle, backend, image, env, identity, remotes, routes, supervise,
                    agentPlan, backendPlan != null ? backendPlan : new BackendPlan(Objects.requireNonNull(backend,
                    "backend"), Map.of()), resources, upstreamCaFiles, services, notices);
        }
    }
}
