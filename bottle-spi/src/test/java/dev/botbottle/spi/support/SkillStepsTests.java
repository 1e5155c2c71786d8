package dev.botbottle.spi.support;

import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.SkillSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SkillStepsTests {
    @TempDir
    Path tmp;

    private static AgentRequest request(List<SkillSource> skills) {
        return AgentRequest.builder("dev", "dev-abc12").skills(skills).hostHome(Path.of("/home/host")).build();
    }

    private Path skill(String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("SKILL.md"), "---\nname: " + name + "\n---\n");
        return dir;
    }

    @Test
    void removesTheOldCopyAsRootThenCopiesTheSkillOwnedByTheAgent() throws IOException {
        Path dir = skill("acme-deploy");
        SkillSource source = new SkillSource("acme-deploy", dir);

        assertThat(SkillSteps.replace(request(List.of(source)), source, "/home/agent/.tool/skills", "Tool"))
                .containsExactly(
                        new ProvisionStep.RunCommand(List.of("rm", "-rf", "/home/agent/.tool/skills/acme-deploy"),
                                FileOwner.ROOT, false, "remove the old copy of skill acme-deploy"),
                        new ProvisionStep.CopyPath(dir, "/home/agent/.tool/skills/acme-deploy", FileOwner.AGENT, 0755));
    }

    @Test
    void replaceAllCoversEverySkillInOrder() throws IOException {
        SkillSource one = new SkillSource("one", skill("one"));
        SkillSource two = new SkillSource("two.v2", skill("two"));

        List<ProvisionStep> steps = SkillSteps.replaceAll(request(List.of(one, two)), "~/.tool/skills", "Tool");

        assertThat(steps).hasSize(4).filteredOn(ProvisionStep.CopyPath.class::isInstance)
                .extracting(s -> ((ProvisionStep.CopyPath) s).target())
                .containsExactly("~/.tool/skills/one", "~/.tool/skills/two.v2");
        assertThat(SkillSteps.replaceAll(request(List.of()), "~/.tool/skills", "Tool")).isEmpty();
    }

    @Test
    void rejectsNamesThatAreNotAPlainDirectoryName() throws IOException {
        Path dir = skill("ok");
        for (String bad : List.of("../etc", "a/b", "-x", "a..b", "")) {
            SkillSource source = new SkillSource(bad, dir);
            assertThatThrownBy(() -> SkillSteps.replace(request(List.of(source)), source, "/s", "Tool"))
                    .as(bad).isInstanceOf(BottleException.class)
                    .hasMessageContaining("agent 'dev'").hasMessageContaining("'" + bad + "'")
                    .hasMessageContaining("cannot be a directory name");
        }
    }

    @Test
    void rejectsADirectoryWithoutSkillMdNamingTheCli() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        SkillSource source = new SkillSource("empty", empty);

        assertThatThrownBy(() -> SkillSteps.replaceAll(request(List.of(source)), "/s", "Acme CLI"))
                .isInstanceOf(BottleException.class)
                .hasMessage("agent 'dev': skill 'empty' at " + empty + " has no SKILL.md; Acme CLI only loads skills"
                        + " that have one");
    }
}
