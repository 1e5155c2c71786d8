package dev.botbottle.core.manifest;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An agent as declared in {@code $BOT_BOTTLE_HOME/agents/<name>.md} or {@code <repo>/.bot-bottle/agents/<name>.md}.
 *
 * <p>An agent holds nothing that carries credentials: it names its bottle, adds skills, may claim a git author
 * identity, and its Markdown body is its system prompt.
 *
 * @param name the agent's name (the file name without {@code .md})
 * @param file the file it was read from
 * @param bottle the name of the bottle it runs in, if it names one
 * @param skills skill names to install on top of the bottle's
 * @param gitUser the claimed git author identity, overlaying the bottle's per field
 * @param prompt the Markdown body, whitespace-stripped; empty when there is none
 * @since 0.1
 */
public record AgentDef(String name, Path file, Optional<String> bottle, List<String> skills,
                       Optional<GitUser> gitUser, String prompt) {

    public AgentDef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(bottle, "bottle");
        skills = List.copyOf(skills);
        Objects.requireNonNull(gitUser, "gitUser");
        Objects.requireNonNull(prompt, "prompt");
        if (!Keys.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("agent name '" + name + "' must match " + Keys.NAME.pattern());
        }
    }

    /**
     * Defines an agent in code, for hosts that keep their configuration elsewhere than in manifest files.
     *
     * @param name the agent's name, matching {@code ^[a-z][a-z0-9-]*$}
     * @param bottle the bottle it runs in
     * @param prompt its system prompt
     * @return the agent, with no skills and no git identity of its own
     */
    public static AgentDef of(String name, String bottle, String prompt) {
        return new AgentDef(name, Path.of("(built in code)"), Optional.of(bottle), List.of(), Optional.empty(),
                prompt);
    }
}
