package dev.botbottle.core.manifest;

import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.ResourceLimits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The blocks one bottle file declares, or the result of merging several; {@code null} means "not declared".
 *
 * <p>The merge rules are those of the original system (reference §2): {@code env} and {@code git.remotes}
 * merge by key, the later layer winning ({@code remotes: {}} declared by a child clears); {@code git.user}
 * merges per field; every other block is replaced wholesale by the later layer. Between several parents,
 * folded left to right, {@code egress.routes} are concatenated instead (a later parent's route replaces an
 * earlier one for the same host in
 * place, which also de-duplicates diamonds).
 */
final class Layer {
    static final Layer EMPTY = new Layer(null, null, null, null, null, null, null, null, null, null);

    final Map<String, EnvValue> env;
    final Map<String, String> image;
    final AgentProviderConfig agentProvider;
    final GitUser gitUser;
    final Map<String, RemoteSpec> remotes;
    final List<EgressRoute> routes;
    final List<String> skills;
    final Boolean supervise;
    final ResourceLimits resources;
    /** {@code egress.upstream_ca_files}: part of the egress block, so a child's egress block replaces it too. */
    final List<java.nio.file.Path> upstreamCaFiles;

    Layer(Map<String, EnvValue> env, Map<String, String> image, AgentProviderConfig agentProvider, GitUser gitUser,
          Map<String, RemoteSpec> remotes, List<EgressRoute> routes, List<String> skills, Boolean supervise,
          ResourceLimits resources, List<java.nio.file.Path> upstreamCaFiles) {
        this.upstreamCaFiles = upstreamCaFiles;
        this.env = env;
        this.image = image;
        this.agentProvider = agentProvider;
        this.gitUser = gitUser;
        this.remotes = remotes;
        this.routes = routes;
        this.skills = skills;
        this.supervise = supervise;
        this.resources = resources;
    }

    /** @return {@code child} merged over this (this being the fully resolved parent side) */
    Layer withChild(Layer child) {
        Map<String, RemoteSpec> mergedRemotes;
        if (child.remotes == null) {
            mergedRemotes = remotes;
        } else if (child.remotes.isEmpty()) {
            mergedRemotes = Map.of(); // an explicit "remotes: {}" clears what the parents declared
        } else {
            mergedRemotes = mergeRemotes(remotes, child.remotes);
        }
        return new Layer(mergeByKey(env, child.env), pick(image, child.image),
                pick(agentProvider, child.agentProvider), mergeUser(gitUser, child.gitUser), mergedRemotes,
                pick(routes, child.routes), pick(skills, child.skills), pick(supervise, child.supervise),
                pick(resources, child.resources), child.routes != null ? child.upstreamCaFiles : upstreamCaFiles);
    }

    /** @return {@code next} (a later parent) folded over this (the earlier parents) */
    Layer withNextParent(Layer next) {
        return new Layer(mergeByKey(env, next.env), pick(image, next.image), pick(agentProvider, next.agentProvider),
                mergeUser(gitUser, next.gitUser), mergeRemotes(remotes, next.remotes),
                concatRoutes(routes, next.routes), pick(skills, next.skills), pick(supervise, next.supervise),
                pick(resources, next.resources), concatDistinct(upstreamCaFiles, next.upstreamCaFiles));
    }

    private static <T> T pick(T base, T over) {
        return over != null ? over : base;
    }

    private static <V> Map<String, V> mergeByKey(Map<String, V> base, Map<String, V> over) {
        if (base == null || over == null) {
            return pick(base, over);
        }
        Map<String, V> m = new LinkedHashMap<>(base);
        m.putAll(over);
        return m;
    }

    private static GitUser mergeUser(GitUser base, GitUser over) {
        if (base == null || over == null) {
            return pick(base, over);
        }
        return over.over(base);
    }

    private static Map<String, RemoteSpec> mergeRemotes(Map<String, RemoteSpec> base, Map<String, RemoteSpec> over) {
        if (base == null || over == null) {
            return pick(base, over);
        }
        Map<String, RemoteSpec> m = new LinkedHashMap<>(base);
        over.forEach((name, r) -> m.merge(name, r, (earlier, later) -> later.over(earlier)));
        return m;
    }

    private static <T> List<T> concatDistinct(List<T> base, List<T> next) {
        if (base == null || next == null) {
            return pick(base, next);
        }
        java.util.LinkedHashSet<T> all = new java.util.LinkedHashSet<>(base);
        all.addAll(next);
        return new ArrayList<>(all);
    }

    private static List<EgressRoute> concatRoutes(List<EgressRoute> base, List<EgressRoute> next) {
        if (base == null || next == null) {
            return pick(base, next);
        }
        Map<String, EgressRoute> byHost = new LinkedHashMap<>();
        for (EgressRoute r : base) {
            byHost.put(r.host().toLowerCase(Locale.ROOT), r);
        }
        for (EgressRoute r : next) {
            byHost.put(r.host().toLowerCase(Locale.ROOT), r);
        }
        return new ArrayList<>(byHost.values());
    }
}
