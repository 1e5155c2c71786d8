package dev.botbottle.backend.smolvm.internal;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProgressListener;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmolvmBottleBackendTests {

    private static SmolvmBottleBackend backend(ScriptedRunner runner) {
        return new SmolvmBottleBackend(new SmolvmCli("smolvm", runner), new HostAddresses("ip", runner),
                new AddressFirewall("/nonexistent/iptables", runner), new ImageArchives("docker", runner,
                Path.of("/tmp/none"), Map.of()), ProgressListener.NONE, "smolvm test");
    }

    private static BottleSpec spec(boolean weakAllowed) {
        return BottleSpec.builder("worker-1", "worker", ImageSpec.of("img")).allowWeakIsolation(weakAllowed).build();
    }

    @Test
    void withoutFirewallRightsPrepareRefusesSayingWhyAndWhatToDo() {
        var runner = new ScriptedRunner().when("status", 1, "", "Error: machine 'bb-worker-1' not found")
                .when("iptables -w -S INPUT", 4, "", "Permission denied (you must be root)");
        assertThatThrownBy(() -> backend(runner).prepare(spec(false)))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("Permission denied")
                .hasMessageContaining("accept weak isolation");
    }

    @Test
    void weakIsolationWhenAllowedUsesTheLoopbackRelayAndSaysSo() {
        var runner = new ScriptedRunner().when("status", 1, "", "Error: machine 'bb-worker-1' not found")
                .when("iptables -w -S INPUT", 4, "", "Permission denied");
        var reach = backend(runner).prepare(spec(true));
        assertThat(reach.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(reach.bottleAddress()).isEqualTo("100.96.0.1");
        assertThat(reach.isolation()).startsWith("WEAK (allowed)");
    }

    @Test
    void aMachineLeftOverIsRefusedNamingTheCleanup() {
        var runner = new ScriptedRunner().when("status", 0, "{\"name\":\"bb-worker-1\",\"state\":\"stopped\","
                + "\"labels\":{\"dev.botbottle.managed\":\"true\"}}", "");
        assertThatThrownBy(() -> backend(runner).prepare(spec(false)))
                .hasMessageContaining("already exists").hasMessageContaining("bottle rm worker-1")
                .hasMessageContaining("smolvm machine delete --name bb-worker-1 -f");
    }

    @Test
    void teardownRunsEveryStepAndRethrowsTheFirstFailure() {
        var runner = new ScriptedRunner().when("status", 0, "{\"name\":\"bb-worker-1\",\"state\":\"running\","
                        + "\"labels\":{\"dev.botbottle.managed\":\"true\"}}", "")
                .when("machine delete", 1, "", "Error: database locked")
                .when("ip link show dev", 0, "", "");
        assertThatThrownBy(() -> backend(runner).teardown("worker-1")).hasMessageContaining("database locked");
        assertThat(runner.commandLines()).anyMatch(l -> l.startsWith("ip link del " + Names.device("worker-1")));
    }

    @Test
    void aMachineBotBottleDidNotMakeIsNotDeleted() {
        var runner = new ScriptedRunner().when("status", 0, "{\"name\":\"bb-worker-1\",\"state\":\"running\","
                + "\"labels\":{}}", "").when("ip link show dev", 1, "", "Cannot find device");
        backend(runner).teardown("worker-1");
        assertThat(runner.commandLines()).noneMatch(l -> l.contains("machine delete"));
    }

    @Test
    void listFindsMachinesByLabelAndAddressDevicesByAlias() {
        var runner = new ScriptedRunner().when("machine ls", 0, "[{\"name\":\"bb-a\",\"state\":\"running\","
                        + "\"labels\":{\"dev.botbottle.managed\":\"true\",\"dev.botbottle.slug\":\"a\"}},"
                        + "{\"name\":\"other\",\"state\":\"running\",\"labels\":{\"dev.botbottle.slug\":\"z\"}}]", "")
                .when("ip -j link show", 0, "[{\"ifname\":\"bbv-0123456789\",\"ifalias\":\"bot-bottle smolvm b\"},"
                        + "{\"ifname\":\"eth0\"}]", "");
        assertThat(backend(runner).list()).containsExactlyInAnyOrder("a", "b");
    }
}
