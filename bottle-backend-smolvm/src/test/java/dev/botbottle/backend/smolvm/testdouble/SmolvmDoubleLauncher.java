package dev.botbottle.backend.smolvm.testdouble;

import dev.botbottle.backend.smolvm.SmolvmBackendProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes the {@code smolvm} launcher of the {@link SmolvmDouble test double}: a shell script that runs the double
 * on this JVM's class path, and switches the provider to it ({@link SmolvmBackendProvider#TEST_DOUBLE_PROPERTY}).
 */
public final class SmolvmDoubleLauncher {

    private SmolvmDoubleLauncher() {
    }

    /**
     * @param directory where to write {@code smolvm}
     * @return the launcher
     */
    public static Path write(Path directory) {
        try {
            Files.createDirectories(directory);
            Path launcher = directory.resolve("smolvm");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String script = "#!/bin/sh\n# bot-bottle's smolvm TEST DOUBLE (Docker containers, not microVMs)\n"
                    + "exec '" + java + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -cp '"
                    + System.getProperty("java.class.path") + "' " + SmolvmDouble.class.getName() + " \"$@\"\n";
            Files.writeString(launcher, script);
            Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
            return launcher;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the smolvm test double's launcher", e);
        }
    }

    /** Writes the launcher under {@code target/smolvm-double} and points the provider at it. */
    public static Path install() {
        Path launcher = write(Path.of("target", "smolvm-double").toAbsolutePath());
        System.setProperty(SmolvmBackendProvider.TEST_DOUBLE_PROPERTY, launcher.toString());
        return launcher;
    }

    /** Points the provider back at the real smolvm. */
    public static void uninstall() {
        System.clearProperty(SmolvmBackendProvider.TEST_DOUBLE_PROPERTY);
    }
}
