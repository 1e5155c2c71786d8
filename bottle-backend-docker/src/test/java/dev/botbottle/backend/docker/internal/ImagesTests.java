package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.ImageSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImagesTests {

    @TempDir
    Path dir;

    private Images images() {
        return new Images(new DockerCli("docker", new RecordingRunner()), Map.of("host-ca-1.crt",
                "-----BEGIN CERTIFICATE-----\nY29ycA==\n-----END CERTIFICATE-----\n"));
    }

    @Test
    void buildContextHoldsTheDockerfileTheFilesAndTheHostsExtraCas() throws IOException {
        Path context = Files.createDirectories(dir.resolve("ctx"));
        var spec = new ImageSpec("img:1", Optional.of("FROM base\n"), Map.of(),
                Map.of("bin/tool.sh", "echo hi".getBytes(StandardCharsets.UTF_8)));
        images().writeContext(context, spec);
        assertThat(context.resolve("Dockerfile")).hasContent("FROM base");
        assertThat(context.resolve("bin/tool.sh")).hasContent("echo hi");
        try (var certs = Files.list(context.resolve("host-ca"))) {
            assertThat(certs.toList()).singleElement()
                    .satisfies(p -> assertThat(p.getFileName().toString()).startsWith("host-ca-").endsWith(".crt"));
        }
    }

    @Test
    void contextFilesMustStayInsideTheContext() throws IOException {
        Path context = Files.createDirectories(dir.resolve("ctx"));
        var spec = new ImageSpec("img:1", Optional.of("FROM base\n"), Map.of(), Map.of("../escape", new byte[0]));
        Images images = images();
        assertThatThrownBy(() -> images.writeContext(context, spec))
                .isInstanceOf(BackendException.class).hasMessageContaining("'../escape'");
    }
}
