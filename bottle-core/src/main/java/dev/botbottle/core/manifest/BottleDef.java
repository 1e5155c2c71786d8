package dev.botbottle.core.manifest;

import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GitRemote;
import dev.botbottle.spi.ResourceLimits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A bottle as declared in {@code $BOT_BOTTLE_HOME/bottles/<name>.md}, with {@code extends} already resolved.
 *
 * <p>A bottle carries everything that holds credentials or trust: environment, egress routes with their auth,
 * git remotes with their keys. That is why bottles are read from the user's home only.
 *
 * @param name the bottle's name (the file name without {@code .md})
 * @param file the file it was read from
 * @param extendsNames the parents named by {@code extends}, in declaration order (already merged in)
 * @param env environment entries, in declaration order
 * @param image image references keyed by backend name, or {@code "*"} for every backend
 * @param agentProvider the {@code agent_provider} block, if declared (the default provider otherwise)
 * @param gitUser the git author identity, if declared
 * @param remotes git remotes keyed by their local name
 * @param routes egress routes, at most one per host
 * @param skills skill names to install in the bottle
 * @param supervise whether the supervise MCP server runs (default {@code true})
 * @param resources resource limits
 * @param upstreamCaFiles {@code egress.upstream_ca_files}: host files of extra CA certificates the egress gateway
 *                        trusts when it connects upstream (a forge behind a private CA)
 * @since 0.1
 */
public record BottleDef(String name, Path file, List<String> extendsNames, Map<String, EnvValue> env,
                        Map<String, String> image, Optional<AgentProviderConfig> agentProvider,
                        Optional<GitUser> gitUser, Map<String, GitRemote> remotes, List<EgressRoute> routes,
                        List<String> skills, boolean supervise, ResourceLimits resources, List<Path> upstreamCaFiles) {

    /** The key of {@link #image()} that applies to every backend. */
    public static final String ANY_BACKEND = "*";

    public BottleDef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        extendsNames = List.copyOf(extendsNames);
        env = ordered(env);
        image = ordered(image);
        Objects.requireNonNull(agentProvider, "agentProvider");
        Objects.requireNonNull(gitUser, "gitUser");
        remotes = ordered(remotes);
        routes = List.copyOf(routes);
        skills = List.copyOf(skills);
        Objects.requireNonNull(resources, "resources");
        upstreamCaFiles = List.copyOf(upstreamCaFiles);
        if (!Keys.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bottle name '" + name + "' must match " + Keys.NAME.pattern());
        }
        remotes.forEach((key, remote) -> {
            if (!key.equals(remote.name())) {
                throw new IllegalArgumentException("remote '" + remote.name() + "' is keyed as '" + key + "'");
            }
        });
        Set<String> hosts = new HashSet<>();
        for (EgressRoute route : routes) {
            if (!hosts.add(route.host().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("host '" + route.host() + "' has more than one route");
            }
        }
    }

    /** An immutable copy keeping the declaration order (Map.copyOf does not keep it); nulls are refused. */
    private static <V> Map<String, V> ordered(Map<String, V> map) {
        Map<String, V> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(v, "value")));
        return java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * Starts building a bottle in code, for hosts that keep their configuration elsewhere than in manifest files.
     *
     * @param name the bottle's name, matching {@code ^[a-z][a-z0-9-]*$}
     * @return a builder with the defaults of an empty bottle file
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * @param backend a backend name, e.g. {@code docker}
     * @return the image for that backend, else the one for every backend
     */
    public Optional<String> imageFor(String backend) {
        return Optional.ofNullable(image.get(backend)).or(() -> Optional.ofNullable(image.get(ANY_BACKEND)));
    }

    /** @return the declared provider block, or {@link AgentProviderConfig#DEFAULT} */
    public AgentProviderConfig effectiveAgentProvider() {
        return agentProvider.orElse(AgentProviderConfig.DEFAULT);
    }

    /**
     * Builds a {@link BottleDef} in code; every setter replaces what was set before, {@code add…} methods add.
     *
     * @since 0.1
     */
    public static final class Builder {
        private final String name;
        private Path file = Path.of("(built in code)");
        private final Map<String, EnvValue> env = new LinkedHashMap<>();
        private final Map<String, String> image = new LinkedHashMap<>();
        private AgentProviderConfig agentProvider;
        private GitUser gitUser;
        private final Map<String, GitRemote> remotes = new LinkedHashMap<>();
        private final List<EgressRoute> routes = new ArrayList<>();
        private final List<String> skills = new ArrayList<>();
        private boolean supervise = true;
        private ResourceLimits resources = ResourceLimits.NONE;
        private final List<Path> upstreamCaFiles = new ArrayList<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /**
         * @param file where the definition came from, shown in problems; a placeholder by default
         * @return this builder
         */
        public Builder file(Path file) {
            this.file = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * @param name an environment variable
         * @param value its value
         * @return this builder
         */
        public Builder env(String name, EnvValue value) {
            env.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * @param ref the image for every backend
         * @return this builder
         */
        public Builder image(String ref) {
            return image(ANY_BACKEND, ref);
        }

        /**
         * @param backend a backend name, or {@code "*"}
         * @param ref the image for it
         * @return this builder
         */
        public Builder image(String backend, String ref) {
            image.put(Objects.requireNonNull(backend, "backend"), Objects.requireNonNull(ref, "ref"));
            return this;
        }

        /**
         * @param config the agent provider block
         * @return this builder
         */
        public Builder agentProvider(AgentProviderConfig config) {
            this.agentProvider = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * @param user the git author identity
         * @return this builder
         */
        public Builder gitUser(GitUser user) {
            this.gitUser = Objects.requireNonNull(user, "user");
            return this;
        }

        /**
         * @param remote a git remote, keyed by its name
         * @return this builder
         */
        public Builder addRemote(GitRemote remote) {
            remotes.put(remote.name(), remote);
            return this;
        }

        /**
         * @param route an egress route
         * @return this builder
         */
        public Builder addRoute(EgressRoute route) {
            routes.add(Objects.requireNonNull(route, "route"));
            return this;
        }

        /**
         * @param skill a skill name
         * @return this builder
         */
        public Builder addSkill(String skill) {
            skills.add(Objects.requireNonNull(skill, "skill"));
            return this;
        }

        /**
         * @param supervise whether the supervise MCP server runs
         * @return this builder
         */
        public Builder supervise(boolean supervise) {
            this.supervise = supervise;
            return this;
        }

        /**
         * @param file a host file of CA certificates the egress gateway trusts upstream
         * @return this builder
         */
        public Builder addUpstreamCaFile(Path file) {
            upstreamCaFiles.add(Objects.requireNonNull(file, "file"));
            return this;
        }

        /**
         * @param resources resource limits
         * @return this builder
         */
        public Builder resources(ResourceLimits resources) {
            this.resources = Objects.requireNonNull(resources, "resources");
            return this;
        }

        /**
         * @return the bottle
         * @throws IllegalArgumentException when the name is not valid, or a host has two routes
         */
        public BottleDef build() {
            return new BottleDef(name, file, List.of(), env, image, Optional.ofNullable(agentProvider),
                    Optional.ofNullable(gitUser), remotes, routes, skills, supervise, resources, upstreamCaFiles);
        }
    }
}
