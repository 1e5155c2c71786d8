package dev.botbottle.spi.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Host file operations backends and the runtime need alike (staging directories, build contexts, state).
 *
 * @since 0.2
 */
public final class HostFiles {

    private HostFiles() {
    }

    /**
     * Deletes a file or a directory tree, never following a symbolic link out of it. A path that does not exist is
     * fine.
     *
     * @param path what to delete
     * @throws IOException when something in it could not be deleted
     */
    public static void deleteTree(Path path) throws IOException {
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            if (e.getFile() != null && Path.of(e.getFile()).equals(path)) {
                return;
            }
            throw e;
        }
    }

    /**
     * {@link #deleteTree} for a temporary directory whose leftovers are not an error.
     *
     * @param path what to delete
     * @return whether everything was deleted
     */
    public static boolean deleteTreeQuietly(Path path) {
        try {
            deleteTree(path);
            return true;
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }
}
