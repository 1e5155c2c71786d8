package dev.botbottle.backend.smolvm.internal;

import dev.botbottle.spi.ResourceLimits;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SmolvmArgsTests {

    @Test
    void createAllowsOneAddressAndForwardsDnsToTheGatewayWithoutSmolvmsFilter() {
        List<String> args = SmolvmArgs.create("bb-x", Path.of("/cache/img.tar"), Map.of("b", "2", "a", "1"),
                Map.of("K", "v"), new ResourceLimits(Optional.of(1.5), Optional.of(3L << 29), Optional.empty()),
                "198.18.4.5", "198.18.4.5");
        assertThat(String.join(" ", args)).isEqualTo("machine create --name bb-x --image /cache/img.tar --label a=1 "
                + "--label b=2 --cpus 2 --mem 1536 -e K=v --allow-cidr 198.18.4.5/32 --dns 198.18.4.5");
        assertThat(args).doesNotContain("--allow-host", "--net");
    }

    @Test
    void everyMachineCommandNamesItsMachine() {
        assertThat(SmolvmArgs.start("m")).containsExactly("machine", "start", "--name", "m");
        assertThat(SmolvmArgs.stop("m")).containsExactly("machine", "stop", "--name", "m");
        assertThat(SmolvmArgs.delete("m")).containsExactly("machine", "delete", "--name", "m", "-f");
        assertThat(SmolvmArgs.status("m")).containsExactly("machine", "status", "--name", "m", "--json");
    }

    @Test
    void execStreamsOrPumpsStdinAndPassesSecretsByNameOnly() {
        assertThat(SmolvmArgs.exec("m", Map.of("TOKEN", "BOT_BOTTLE_EXEC_ENV_0"), false, false, 30, List.of("true")))
                .containsExactly("machine", "exec", "--name", "m", "--timeout", "30s", "--stream", "--secret-env",
                        "TOKEN=BOT_BOTTLE_EXEC_ENV_0", "--", "true");
        assertThat(SmolvmArgs.exec("m", Map.of(), true, true, 0, List.of("bash")))
                .containsExactly("machine", "exec", "--name", "m", "-i", "-t", "--", "bash");
    }

    @Test
    void secretsRideInSmolvmsEnvironmentUnderGeneratedNames() {
        SmolvmBottle.Secrets s = SmolvmBottle.Secrets.of(Map.of("TOKEN", "s3cret", "HOME", "/x"));
        assertThat(s.names()).containsEntry("HOME", "BOT_BOTTLE_EXEC_ENV_0").containsEntry("TOKEN", "BOT_BOTTLE_EXEC_ENV_1");
        assertThat(s.values()).containsEntry("BOT_BOTTLE_EXEC_ENV_1", "s3cret").doesNotContainKey("HOME");
    }

    @Test
    void machineNamesFollowSmolvmsRules() {
        assertThat(Names.machine("worker-ab12c")).isEqualTo("bb-worker-ab12c");
        assertThat(Names.machine("a--b")).matches("bb-[0-9a-f]{10}");
        assertThat(Names.machine("trailing-")).matches("bb-[0-9a-f]{10}");
        assertThat(Names.device("worker-ab12c")).hasSizeLessThanOrEqualTo(15).startsWith("bbv-");
    }

    @Test
    void firewallAcceptsRepliesAndTheGatewayPortsOnlyInOneTransaction() {
        String script = AddressFirewall.restoreScript("BBV-1", new dev.botbottle.spi.GatewayPorts(List.of(4000, 53),
                List.of(53)), AddressFirewall.jumpRule("s", "198.18.0.9"));
        assertThat(script).isEqualTo("*filter\n:BBV-1 - [0:0]\n"
                + "-A BBV-1 -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n"
                + "-A BBV-1 -p tcp --dport 53 -j ACCEPT\n-A BBV-1 -p tcp --dport 4000 -j ACCEPT\n"
                + "-A BBV-1 -p udp --dport 53 -j ACCEPT\n"
                + "-A BBV-1 -p tcp -j REJECT --reject-with tcp-reset\n"
                + "-A BBV-1 -p udp -j REJECT --reject-with icmp-port-unreachable\n-A BBV-1 -j DROP\n"
                + "-I INPUT 1 -d 198.18.0.9/32 -j " + Names.chain("s") + "\nCOMMIT\n");
    }

    @Test
    void machineJsonIsReadInSmolvmsShape() {
        MachineState m = MachineState.parse("{\"name\":\"bb-x\",\"state\":\"running\",\"cpus\":4,\"pid\":42,"
                + "\"labels\":{\"dev.botbottle.slug\":\"x\"},\"network\":true}");
        assertThat(m.running()).isTrue();
        assertThat(m.pid()).isEqualTo(42);
        assertThat(m.labels()).containsEntry("dev.botbottle.slug", "x");
        assertThat(MachineState.parseList("[]")).isEmpty();
        assertThat(MachineState.parse("{\"name\":\"y\",\"state\":\"stopped\",\"pid\":null,\"labels\":{}}").running())
                .isFalse();
    }
}
