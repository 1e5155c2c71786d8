package dev.botbottle.backend.kubernetes;

import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.ProgressListener;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The provider: found by ServiceLoader, its availability answer, its option checks (against the mock API server, a DOUBLE). */
class KubernetesBackendProviderTests {

    @Test
    void serviceLoaderFindsTheKubernetesBackend() {
        assertThat(ServiceLoader.load(BackendProvider.class).stream().map(ServiceLoader.Provider::get)
                .map(BackendProvider::name)).contains("kubernetes");
    }

    @Test
    void anAnsweringApiServerIsAvailableAndABackendOfTheSameNameIsMade(@TempDir Path home) {
        KubernetesMockServer server = new KubernetesMockServer(false);
        server.init();
        try {
            System.setProperty("kubernetes.master", server.url("/"));
            var provider = new KubernetesBackendProvider(server::createClient);
            assertThat(provider.availability().isAvailable()).as(provider.availability().reason()).isTrue();
            var backend = provider.create(new BackendContext(home, ProgressListener.NONE, Map.of()));
            assertThat(backend.name()).isEqualTo(provider.name());
            assertThat(backend).isInstanceOf(KubernetesGateways.class);
        } finally {
            System.clearProperty("kubernetes.master");
            server.destroy();
        }
    }

    @Test
    void aBadOptionIsRefusedNamingItAndTheFix(@TempDir Path home) {
        KubernetesMockServer server = new KubernetesMockServer(false);
        server.init();
        try {
            var provider = new KubernetesBackendProvider(server::createClient);
            assertThatThrownBy(() -> provider.create(new BackendContext(home, ProgressListener.NONE,
                    Map.of("kubernetes.workload", "vm")))).isInstanceOf(BackendException.class)
                    .hasMessageContaining("kubernetes.workload=vm").hasMessageContaining("auto, pod, sandbox");
        } finally {
            server.destroy();
        }
    }
}
