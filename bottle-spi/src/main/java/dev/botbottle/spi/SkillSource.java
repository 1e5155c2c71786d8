package dev.botbottle.spi;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A skill to install in the bottle: a host directory holding {@code SKILL.md}.
 *
 * @param name the skill's name (kebab case), the directory name it gets in the bottle
 * @param directory the host directory
 * @since 0.1
 */
public record SkillSource(String name, Path directory) {
    public SkillSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(directory, "directory");
    }
}
