package dev.botbottle.backend.docker.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds programs on the host, so the backend runs them by absolute path. */
public final class Executables {

    private Executables() {
    }

    /**
     * @param name a program name, or a path (returned if executable)
     * @param extraDirectories searched after PATH (e.g. {@code /usr/sbin}, often missing from a user's PATH)
     * @return the absolute path of the first executable file found
     */
    public static Optional<Path> find(String name, String... extraDirectories) {
        if (name.contains(File.separator)) {
            Path path = Path.of(name);
            return Files.isExecutable(path) && Files.isRegularFile(path) ? Optional.of(path.toAbsolutePath())
                    : Optional.empty();
        }
        List<String> directories = new ArrayList<>();
        String pathVariable = System.getenv("PATH");
        if (pathVariable != null) {
            directories.addAll(List.of(pathVariable.split(File.pathSeparator)));
        }
        directories.addAll(List.of(extraDirectories));
        for (String directory : directories) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath());
            }
        }
        return Optional.empty();
    }
}
