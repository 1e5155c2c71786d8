package dev.botbottle.backend.docker;

import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.ProgressListener;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

class DockerBackendProviderTests {

    @Test
    void isFoundByServiceLoaderUnderTheNameDocker() {
        assertThat(ServiceLoader.load(BackendProvider.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(p -> {
                    assertThat(p).isInstanceOf(DockerBackendProvider.class);
                    assertThat(p.name()).isEqualTo("docker");
                });
    }

    @Test
    void createsABackendNamedDockerWithoutTouchingTheEngine() {
        var backend = new DockerBackendProvider().create(new BackendContext(Path.of("/tmp"), ProgressListener.NONE,
                Map.of("docker.binary", "/nonexistent/docker")));
        assertThat(backend.name()).isEqualTo("docker");
    }
}
