package dev.botbottle.core.manifest;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An agent together with the bottle it runs in and the git identity that results from overlaying the two.
 *
 * @param bottle the bottle, {@code extends} resolved
 * @param agent the agent
 * @param identity the agent's {@code git.user} over the bottle's, per field
 * @since 0.1
 */
public record ResolvedBottle(BottleDef bottle, AgentDef agent, GitIdentity identity) {

    public ResolvedBottle {
        Objects.requireNonNull(bottle, "bottle");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(identity, "identity");
    }

    /** @return the bottle's skills followed by the agent's, without duplicates */
    public List<String> skills() {
        Set<String> all = new LinkedHashSet<>(bottle.skills());
        all.addAll(agent.skills());
        return List.copyOf(all);
    }
}
