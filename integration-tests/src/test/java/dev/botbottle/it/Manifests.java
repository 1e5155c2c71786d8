package dev.botbottle.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes manifest files into a test's bot-bottle home. */
final class Manifests {
    private Manifests() {
    }

    static void write(Path home, String relative, String text) throws IOException {
        Path file = home.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
