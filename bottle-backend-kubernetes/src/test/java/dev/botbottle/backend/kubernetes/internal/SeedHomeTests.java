package dev.botbottle.backend.kubernetes.internal;

import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.ImageSpec;
import io.fabric8.kubernetes.api.model.Container;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code seed-home} init container's script, run by this host's real {@code sh} with the claim's mount point
 * swapped for a temporary directory: the first start copies the image's home onto the claim, later starts keep
 * what the agent changed.
 */
class SeedHomeTests {

    @Test
    void theFirstStartCopiesTheImagesHomeAndLaterStartsKeepTheAgentsChanges(@TempDir Path tmp) throws Exception {
        Path imageHome = Files.createDirectories(tmp.resolve("image-home/.config"));
        Files.writeString(imageHome.resolve("tool.conf"), "from the image\n");
        Path claim = Files.createDirectories(tmp.resolve("claim"));
        Options options = Options.from(Map.of("kubernetes.agent-home", imageHome.getParent().toString()),
                Optional.empty());
        Container seed = new Manifests(options).podSpec(BottleSpec.builder("seed", "claude",
                ImageSpec.of("img")).build(), Optional.empty(), List.of(), "Always").getInitContainers().get(0);
        List<String> command = new ArrayList<>(seed.getCommand());
        command.set(2, command.get(2).replace("/bot-bottle-home", claim.toString()));

        assertThat(run(command)).isZero();
        assertThat(Files.readString(claim.resolve(".config/tool.conf"))).isEqualTo("from the image\n");

        Files.writeString(claim.resolve(".config/tool.conf"), "changed by the agent\n");
        Files.writeString(claim.resolve("work.txt"), "kept\n");
        assertThat(run(command)).isZero();
        assertThat(Files.readString(claim.resolve(".config/tool.conf"))).isEqualTo("changed by the agent\n");
        assertThat(Files.readString(claim.resolve("work.txt"))).isEqualTo("kept\n");
    }

    private static int run(List<String> command) throws Exception {
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}
