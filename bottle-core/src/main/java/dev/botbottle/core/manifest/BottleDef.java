package dev.botbottle.core.manifest;

import com.google.common.collect.ImmutableMap;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GitRemote;
import dev.botbottle.spi.ResourceLimits;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
 * @since 0.1
 */
public record BottleDef(String name, Path file, List<String> extendsNames, Map<String, EnvValue> env,
                        Map<String, String> image, Optional<AgentProviderConfig> agentProvider,
                        Optional<GitUser> gitUser, Map<String, GitRemote> remotes, List<EgressRoute> routes,
                        List<String> skills, boolean supervise, ResourceLimits resources) {

    /** The key of {@link #image()} that applies to every backend. */
    public static final String ANY_BACKEND = "*";

    public BottleDef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        extendsNames = List.copyOf(extendsNames);
        env = ImmutableMap.copyOf(env);
        image = ImmutableMap.copyOf(image);
        Objects.requireNonNull(agentProvider, "agentProvider");
        Objects.requireNonNull(gitUser, "gitUser");
        remotes = ImmutableMap.copyOf(remotes);
        routes = List.copyOf(routes);
        skills = List.copyOf(skills);
        Objects.requireNonNull(resources, "resources");
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
}
