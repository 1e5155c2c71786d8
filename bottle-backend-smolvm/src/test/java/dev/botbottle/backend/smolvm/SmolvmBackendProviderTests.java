package dev.botbottle.backend.smolvm;

import dev.botbottle.backend.smolvm.testdouble.SmolvmDoubleLauncher;
import dev.botbottle.spi.Availability;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class SmolvmBackendProviderTests {

    @TempDir
    Path tmp;

    @AfterEach
    void realSmolvm() {
        System.clearProperty(SmolvmBackendProvider.TEST_DOUBLE_PROPERTY);
    }

    @Test
    void withoutSmolvmOnThePathItIsUnavailableSayingWhy() {
        boolean onPath = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, "smolvm")));
        Assumptions.assumeFalse(onPath, "smolvm is installed here");
        Availability a = new SmolvmBackendProvider().availability();
        assertThat(a.isAvailable()).isFalse();
        assertThat(a.reason()).contains("smolvm not found on PATH");
    }

    @Test
    void theTestDoubleSwitchAcceptsOnlyAProgramThatSaysItIsADouble() {
        System.setProperty(SmolvmBackendProvider.TEST_DOUBLE_PROPERTY, "/bin/true");
        Availability notADouble = new SmolvmBackendProvider().availability();
        assertThat(notADouble.isAvailable()).isFalse();
        assertThat(notADouble.reason()).contains("does not say it is a smolvm test double");

        Path launcher = SmolvmDoubleLauncher.write(tmp);
        System.setProperty(SmolvmBackendProvider.TEST_DOUBLE_PROPERTY, launcher.toString());
        assertThat(new SmolvmBackendProvider().availability().isAvailable()).isTrue();
    }
}
