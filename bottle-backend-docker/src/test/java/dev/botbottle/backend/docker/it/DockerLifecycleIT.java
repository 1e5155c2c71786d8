package dev.botbottle.backend.docker.it;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.HostReach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stop, resume and teardown against the real engine and the host firewall. */
class DockerLifecycleIT {

    private BottleBackend backend;
    private String slug;

    @BeforeEach
    void engine() {
        DockerEngine.assumeReady();
        backend = DockerEngine.backend();
        slug = DockerEngine.slug("it-cycle");
    }

    @AfterEach
    void cleanUp() {
        if (backend != null) {
            backend.teardown(slug);
        }
    }

    private String chainRules() {
        return DockerEngine.host("iptables", "-w", "-S").out();
    }

    private String chainName() {
        String rules = DockerEngine.host("iptables", "-w", "-S", "INPUT").out();
        String bridge = DockerEngine.host("docker", "network", "inspect", "--format",
                "{{index .Options \"com.docker.network.bridge.name\"}}", "bb-" + slug).out().strip();
        return rules.lines().filter(l -> l.contains("-i " + bridge + " ")).map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .findFirst().orElseThrow(() -> new AssertionError("no INPUT jump for " + bridge + " in\n" + rules));
    }

    @Test
    void aStoppedBottleResumesWithTheFirewallOpenForTheNewPortsOnly() {
        BottleSpec spec = DockerEngine.spec(slug);
        HostReach reach = backend.prepare(spec);
        backend.create(spec, reach, List.of(40001));
        Bottle bottle = backend.start(slug);
        bottle.exec(ExecRequest.of("sh", "-c", "echo kept > state.txt"));
        String chain = chainName();
        assertThat(DockerEngine.host("iptables", "-w", "-S", chain).out()).contains("--dport 40001");

        backend.stop(slug);
        assertThatThrownBy(() -> backend.attach(slug)).isInstanceOf(BackendException.class)
                .hasMessageContaining("not running");
        assertThat(backend.list()).contains(slug);

        Bottle resumed = backend.resume(slug, List.of(40002));
        assertThat(resumed.exec(ExecRequest.of("cat", "state.txt")).stdoutText()).isEqualTo("kept\n");
        String rules = DockerEngine.host("iptables", "-w", "-S", chain).out();
        assertThat(rules).contains("--dport 40002").doesNotContain("--dport 40001");
        assertThat(DockerEngine.host("iptables", "-w", "-S", "INPUT").out().lines()
                .filter(l -> l.endsWith("-j " + chain))).hasSize(1);
    }

    @Test
    void teardownLeavesNoContainerNetworkOrFirewallChainAndCanRunTwice() {
        BottleSpec spec = DockerEngine.spec(slug);
        HostReach reach = backend.prepare(spec);
        backend.create(spec, reach, List.of(40003));
        backend.start(slug);
        String chain = chainName();

        backend.teardown(slug);
        backend.teardown(slug);

        String label = "label=dev.botbottle.slug=" + slug;
        assertThat(DockerEngine.host("docker", "ps", "-a", "-q", "--filter", label).out()).isBlank();
        assertThat(DockerEngine.host("docker", "network", "ls", "-q", "--filter", label).out()).isBlank();
        assertThat(chainRules()).doesNotContain(chain);
        assertThat(backend.list()).doesNotContain(slug);
    }

    @Test
    void resumingABottleThatWasTornDownIsAnError() {
        assertThatThrownBy(() -> backend.resume(slug, List.of(1)))
                .isInstanceOf(BackendException.class).hasMessageContaining("cannot resume");
    }
}
