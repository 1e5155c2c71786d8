package dev.botbottle.core.manifest;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every valid bottle and agent, with {@code extends} resolved: the input of the planner.
 *
 * <p>Obtained from {@link ManifestLoader}, or built in code by a host that keeps its configuration elsewhere.
 * Both maps are immutable and sorted by name.
 *
 * @param bottles bottles by name
 * @param agents agents by name
 * @since 0.1
 */
public record Manifest(Map<String, BottleDef> bottles, Map<String, AgentDef> agents) {

    /** A manifest with no bottle and no agent. */
    public static final Manifest EMPTY = new Manifest(Map.of(), Map.of());

    public Manifest {
        bottles = sorted(bottles);
        agents = sorted(agents);
        bottles.forEach((k, b) -> requireKeyedByName(k, b.name()));
        agents.forEach((k, a) -> requireKeyedByName(k, a.name()));
    }

    /**
     * Builds a manifest in code from bottles and agents, keyed by their names.
     *
     * @param bottles the bottles
     * @param agents the agents
     * @return the manifest
     * @throws IllegalArgumentException when two bottles or two agents share a name
     */
    public static Manifest of(java.util.Collection<BottleDef> bottles, java.util.Collection<AgentDef> agents) {
        Map<String, BottleDef> b = new java.util.HashMap<>();
        bottles.forEach(x -> {
            if (b.put(x.name(), x) != null) {
                throw new IllegalArgumentException("two bottles are named '" + x.name() + "'");
            }
        });
        Map<String, AgentDef> a = new java.util.HashMap<>();
        agents.forEach(x -> {
            if (a.put(x.name(), x) != null) {
                throw new IllegalArgumentException("two agents are named '" + x.name() + "'");
            }
        });
        return new Manifest(b, a);
    }

    /**
     * Loads the bottles and agents of a bot-bottle home folder ({@code bottles/*.md}, {@code agents/*.md}), as
     * {@code ManifestLoader.forHome(folder).loadStrict()} does.
     *
     * @param folder the folder holding {@code bottles/} and {@code agents/}
     * @return the manifest
     * @throws ManifestException listing every problem, when a file has an error
     * @since 0.2
     */
    public static Manifest load(Path folder) {
        return ManifestLoader.forHome(folder).loadStrict();
    }

    private static void requireKeyedByName(String key, String name) {
        if (!key.equals(name)) {
            throw new IllegalArgumentException("'" + name + "' is keyed as '" + key + "'");
        }
    }

    /**
     * @param name an agent name
     * @return the agent, if defined and valid
     */
    public Optional<AgentDef> agent(String name) {
        return Optional.ofNullable(agents.get(name));
    }

    /**
     * @param name a bottle name
     * @return the bottle, if defined and valid
     */
    public Optional<BottleDef> bottle(String name) {
        return Optional.ofNullable(bottles.get(name));
    }

    /**
     * Finds the bottle an agent runs in and overlays the agent's git identity on the bottle's.
     *
     * @param agent the agent
     * @return the agent, its bottle and the resulting git identity
     * @throws ManifestException when the agent names no bottle, or one that is not defined or not valid; the
     *         message lists the available bottles
     */
    public ResolvedBottle bottleFor(AgentDef agent) {
        String available = bottles.isEmpty() ? "none (add one under $BOT_BOTTLE_HOME/bottles/)"
                : String.join(", ", bottles.keySet());
        if (agent.bottle().isEmpty()) {
            throw new ManifestException(ManifestProblem.error(agent.file(), "bottle", 0, "agent '" + agent.name()
                    + "' names no bottle; add 'bottle: <name>' to its front matter; available bottles: "
                    + available));
        }
        String name = agent.bottle().get();
        BottleDef bottle = bottles.get(name);
        if (bottle == null) {
            throw new ManifestException(ManifestProblem.error(agent.file(), "bottle", 0, "agent '" + agent.name()
                    + "' uses bottle '" + name + "', which is not defined or not valid (run 'bottle validate');"
                    + " available bottles: " + available));
        }
        GitIdentity identity = GitIdentity.overlay(agent.gitUser().orElse(GitUser.NONE),
                bottle.gitUser().orElse(GitUser.NONE));
        return new ResolvedBottle(bottle, agent, identity);
    }

    private static <V> Map<String, V> sorted(Map<String, V> map) {
        Map<String, V> sorted = new LinkedHashMap<>();
        map.entrySet().stream().sorted(Map.Entry.comparingByKey(Comparator.naturalOrder()))
                .forEach(e -> sorted.put(Objects.requireNonNull(e.getKey(), "name"), Objects.requireNonNull(e.getValue(),
                        "definition")));
        return Collections.unmodifiableMap(sorted);
    }
}
