package dev.botbottle.core.manifest;

import dev.botbottle.core.manifest.YamlTree.Entry;
import dev.botbottle.core.manifest.YamlTree.MapNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Parses the front matter and body of one agent file. */
final class AgentParser {
    private final NodeReader r;
    private final GitParser git;
    private final Set<String> bottleNames;

    /**
     * @param bottleNames every bottle file's name (valid or not), to warn about an agent naming none of them
     */
    AgentParser(Problems problems, Path userHome, Set<String> bottleNames) {
        this.r = new NodeReader(problems);
        this.git = new GitParser(r, userHome);
        this.bottleNames = bottleNames;
    }

    /** @return the agent, or empty if the file has an error (reported) */
    Optional<AgentDef> parse(String name, MapNode root, String body) {
        Problems p = r.problems();
        for (Entry e : root.entries().values()) {
            if (Keys.BOTTLE.contains(e.key()) && !Keys.AGENT.contains(e.key())) {
                p.error(e.key(), e.keyLine(), "'" + e.key() + "' is a bottle key; an agent cannot declare it (bottles"
                        + " hold what carries credentials and trust, and live only under $BOT_BOTTLE_HOME/bottles/);"
                        + " set it in the agent's bottle. Agent keys: " + String.join(", ", Keys.AGENT));
            } else if (!Keys.AGENT.contains(e.key()) && !Keys.AGENT_IGNORED.contains(e.key())) {
                p.error(e.key(), e.keyLine(), Suggest.unknownKey(e.key(), Keys.AGENT)
                        + " (Claude Code's own agent fields are accepted and ignored: "
                        + String.join(", ", Keys.AGENT_IGNORED) + ")");
            }
        }
        Map<String, Entry> e = root.entries();
        Optional<String> bottle = e.containsKey("bottle") && !isNull(e.get("bottle").value())
                ? r.matching(e.get("bottle").value(), "bottle", Keys.NAME, "a bottle name", true) : Optional.empty();
        bottle.filter(b -> !bottleNames.contains(b)).ifPresent(b -> p.warning("bottle", e.get("bottle").keyLine(),
                "agent '" + name + "' uses bottle '" + b + "', which does not exist; available bottles: "
                        + (bottleNames.isEmpty() ? "none" : String.join(", ", new TreeSet<>(bottleNames)))));
        List<String> skills = e.containsKey("skills")
                ? r.names(e.get("skills").value(), "skills", Keys.NAME, "a skill name").orElse(List.of()) : List.of();
        Optional<GitUser> user = Optional.empty();
        if (e.containsKey("git")) {
            Optional<MapNode> g = r.map(e.get("git").value(), "git");
            if (g.isPresent()) {
                for (Entry x : g.get().entries().values()) {
                    if (x.key().equals("remotes")) {
                        p.error("git.remotes", x.keyLine(), "git.remotes is not allowed on an agent: remotes carry"
                                + " credentials and host trust, so they are declared only in bottles under"
                                + " $BOT_BOTTLE_HOME/bottles/; an agent may set git.user only");
                    } else if (!x.key().equals("user")) {
                        p.error(KeyPaths.child("git", x.key()), x.keyLine(), Suggest.unknownKey(x.key(), Keys.AGENT_GIT));
                    }
                }
                Entry u = g.get().entries().get("user");
                if (u != null) {
                    user = git.user(u.value(), "git.user");
                }
            }
        }
        if (p.hasErrors()) { // any error in the file, duplicate keys found by the reader included
            return Optional.empty();
        }
        return Optional.of(new AgentDef(name, p.file(), bottle, skills, user, body.strip()));
    }

    private static boolean isNull(YamlTree.Node n) {
        return n instanceof YamlTree.Scalar s && s.type() == YamlTree.ScalarType.NULL;
    }
}
