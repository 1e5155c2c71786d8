package dev.botbottle.backend.docker;

import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.support.HostProcessGatewayRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void gatewaysRunInTheRuntimesJvmUnlessTheOptionSaysProcess() {
        BottleSpec spec = BottleSpec.builder("gw-mode", "shell", ImageSpec.of("bot-bottle/base:bookworm")).build();
        HostReach reach = new HostReach("172.18.0.1", "172.18.0.1", "test");
        var inProcess = new DockerBackendProvider().create(context(Map.of("docker.gateway", "in-process")));
        assertThat(inProcess.gatewayRunner(spec, reach)).isEmpty();
        var process = new DockerBackendProvider().create(context(Map.of("docker.gateway", "process")));
        assertThat(process.gatewayRunner(spec, reach)).get().isInstanceOf(HostProcessGatewayRunner.class);
        assertThat(inProcess.describe(spec).details().get("gateway")).contains("in the runtime's JVM");
        assertThat(process.describe(spec).details().get("gateway")).contains("a gateway program of its own");
        var container = new DockerBackendProvider().create(context(Map.of("docker.gateway", "container")));
        assertThat(container.gatewayRunner(spec, reach)).isPresent();
        assertThat(container.describe(spec).details().get("gateway")).contains("bb-gw-mode.gateway")
                .contains("docker.gateway=container");
    }

    @Test
    void anUnknownGatewayModeIsAnErrorNamingTheOptionAndTheValues() {
        assertThatThrownBy(() -> new DockerBackendProvider().create(context(Map.of("docker.gateway", "sidecar"))))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("'sidecar'").hasMessageContaining("docker.gateway")
                .hasMessageContaining("in-process").hasMessageContaining("'process'").hasMessageContaining("'container'");
    }

    @Test
    void theDoctorSaysWhereGatewaysRunAndWhatAContainerGatewayIsBuiltFrom() {
        assertThat(DockerBackendProvider.gatewayDiagnostic(Map.of("docker.gateway", "container")).detail())
                .contains("container").contains("bot-bottle/base:bookworm").contains(System.getProperty("java.home"));
        assertThat(DockerBackendProvider.gatewayDiagnostic(Map.of("docker.gateway", "in-process")).detail())
                .contains("in-process");
        assertThat(DockerBackendProvider.gatewayDiagnostic(Map.of("docker.gateway", "pod")).severity())
                .isEqualTo(dev.botbottle.spi.Diagnostic.Severity.PROBLEM);
    }

    private static BackendContext context(Map<String, String> options) {
        Map<String, String> all = new java.util.HashMap<>(options);
        all.put("docker.binary", "/nonexistent/docker");
        return new BackendContext(Path.of("/tmp"), ProgressListener.NONE, all);
    }
}
