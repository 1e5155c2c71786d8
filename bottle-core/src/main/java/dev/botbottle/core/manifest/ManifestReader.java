package dev.botbottle.core.manifest;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the manifest folders once; the work behind {@link ManifestLoader#load()}. */
final class ManifestReader {
    private final Path home;
    private final Optional<Path> projectDir;
    private final Path userHome;

    ManifestReader(Path home, Optional<Path> projectDir, Path userHome) {
        this.home = home;
        this.projectDir = projectDir;
        this.userHome = userHome;
    }

    ManifestLoader.LoadResult read() {
        // TODO: implemented in the next commit
        return new ManifestLoader.LoadResult(new Manifest(Map.of(), Map.of()), List.of());
    }
}
