package dev.botbottle.spi.support;

import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.SkillSource;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Provisioning steps that install an agent's skills into the bottle, replacing an older copy (as on resume).
 *
 * <p>For each skill: its name is checked to be a plain directory name, its host directory must hold
 * {@code SKILL.md}, then a root {@code rm -rf <target>/<name>} and a {@link ProvisionStep.CopyPath} of the directory
 * to {@code <target>/<name>}, owned by the agent with mode {@code 0755}. Checks run when the steps are planned, so a
 * bad skill fails the launch before anything is created.
 *
 * @since 0.1
 */
public final class SkillSteps {
    private static final Pattern SKILL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private SkillSteps() {
    }

    /**
     * @param request the agent (named in error messages)
     * @param skill the skill to install
     * @param targetDirectory the bottle directory the CLI reads skills from, e.g. {@code /home/agent/.claude/skills}
     * @param cliName the CLI's name for messages, e.g. {@code Claude Code}
     * @return the two steps: remove the old copy, copy the skill
     * @throws BottleException when the name is not a plain directory name or the directory has no {@code SKILL.md}
     */
    public static List<ProvisionStep> replace(AgentRequest request, SkillSource skill, String targetDirectory,
                                              String cliName) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(skill, "skill");
        Objects.requireNonNull(targetDirectory, "targetDirectory");
        Objects.requireNonNull(cliName, "cliName");
        if (!SKILL_NAME.matcher(skill.name()).matches() || skill.name().contains("..")) {
            throw new BottleException("agent '" + request.agent() + "': skill name '" + skill.name()
                    + "' cannot be a directory name; use letters, digits, '-', '_' or '.'");
        }
        if (!Files.isRegularFile(skill.directory().resolve("SKILL.md"))) {
            throw new BottleException("agent '" + request.agent() + "': skill '" + skill.name() + "' at "
                    + skill.directory() + " has no SKILL.md; " + cliName + " only loads skills that have one");
        }
        String target = targetDirectory + "/" + skill.name();
        return List.of(
                new ProvisionStep.RunCommand(List.of("rm", "-rf", target), FileOwner.ROOT, false,
                        "remove the old copy of skill " + skill.name()),
                new ProvisionStep.CopyPath(skill.directory(), target, FileOwner.AGENT, 0755));
    }

    /**
     * {@link #replace} for every skill of the request, in order.
     *
     * @param request the agent and its skills
     * @param targetDirectory the bottle directory the CLI reads skills from
     * @param cliName the CLI's name for messages
     * @return the steps, two per skill; empty when the request has no skills
     * @throws BottleException for the first skill that fails a check
     */
    public static List<ProvisionStep> replaceAll(AgentRequest request, String targetDirectory, String cliName) {
        List<ProvisionStep> steps = new ArrayList<>();
        for (SkillSource skill : request.skills()) {
            steps.addAll(replace(request, skill, targetDirectory, cliName));
        }
        return List.copyOf(steps);
    }
}
