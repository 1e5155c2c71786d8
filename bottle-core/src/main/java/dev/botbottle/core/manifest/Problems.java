package dev.botbottle.core.manifest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Collects the problems of one file. */
final class Problems {
    private final Path file;
    private final List<ManifestProblem> list = new ArrayList<>();
    private int errors;

    Problems(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    void error(String keyPath, int line, String message) {
        list.add(ManifestProblem.error(file, keyPath, line, message));
        errors++;
    }

    void warning(String keyPath, int line, String message) {
        list.add(ManifestProblem.warning(file, keyPath, line, message));
    }

    /** @return the number of errors so far, to tell whether a part added any */
    int errorCount() {
        return errors;
    }

    boolean hasErrors() {
        return errors > 0;
    }

    List<ManifestProblem> list() {
        return List.copyOf(list);
    }
}
