package dev.botbottle.spi.support;

import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.ProvisionStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PromptSectionTests {

    @TempDir
    Path dir;

    @Test
    void appendsTheSectionAfterThePromptAndReplacesItOnTheNextRun() throws Exception {
        Path file = dir.resolve("CLAUDE.md");
        Files.writeString(file, "Always answer in French.");
        run(PromptSection.upsert(file.toString(), "supervise", "## Supervise\nold text\n", "d"));
        assertThat(Files.readString(file)).isEqualTo("Always answer in French.\n\n<!-- bot-bottle:supervise -->\n"
                + "## Supervise\nold text\n<!-- /bot-bottle:supervise -->\n");
        run(PromptSection.upsert(file.toString(), "supervise", "## Supervise\nnew text", "d"));
        assertThat(Files.readString(file)).isEqualTo("Always answer in French.\n\n<!-- bot-bottle:supervise -->\n"
                + "## Supervise\nnew text\n<!-- /bot-bottle:supervise -->\n");
    }

    @Test
    void createsAMissingFileAndItsDirectoryUnderTheHome() throws Exception {
        run(PromptSection.upsert("~/.codex/AGENTS.md", "supervise", "notes", "d"));
        assertThat(Files.readString(dir.resolve(".codex/AGENTS.md")))
                .isEqualTo("<!-- bot-bottle:supervise -->\nnotes\n<!-- /bot-bottle:supervise -->\n");
    }

    @Test
    void runsAsTheAgentAndRefusesOddSectionNames() {
        ProvisionStep step = PromptSection.upsert("~/x.md", "supervise", "t", "d");
        assertThat(step).isInstanceOfSatisfying(ProvisionStep.RunCommand.class,
                c -> assertThat(c.owner()).isEqualTo(FileOwner.AGENT));
        assertThatThrownBy(() -> PromptSection.upsert("~/x.md", "a b", "t", "d")).isInstanceOf(IllegalArgumentException.class);
    }

    private void run(ProvisionStep step) throws Exception {
        List<String> argv = new ArrayList<>(((ProvisionStep.RunCommand) step).argv());
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("HOME", dir.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }
}
