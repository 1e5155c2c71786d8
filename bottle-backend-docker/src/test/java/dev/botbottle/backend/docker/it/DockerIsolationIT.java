package dev.botbottle.backend.docker.it;

import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.HostReach;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Adversarial checks: what a bottle can reach on the host and what it holds. Host listeners are real sockets;
 * connections are attempted from inside the bottle with bash's {@code /dev/tcp}. The {@code timeout} only bounds
 * a hung attempt; nothing asserts on time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerIsolationIT {

    private BottleBackend backend;
    private String slug;
    private Bottle bottle;
    private HostReach reach;
    private final List<ServerSocket> listeners = new ArrayList<>();
    private ServerSocket gateway;
    private ServerSocket bridgeOther;
    private ServerSocket hostMain;

    @BeforeAll
    void startBottle() throws IOException {
        DockerEngine.assumeReady();
        backend = DockerEngine.backend();
        slug = DockerEngine.slug("it-iso");
        BottleSpec spec = DockerEngine.spec(slug);
        reach = backend.prepare(spec);
        InetAddress bridge = InetAddress.getByName(reach.bindAddress());
        gateway = listen(bridge);
        bridgeOther = listen(bridge);
        InetAddress main = DockerEngine.mainAddress().orElse(null);
        hostMain = main == null ? null : listen(main);
        backend.create(spec, reach, List.of(gateway.getLocalPort()));
        bottle = backend.start(slug);
    }

    private ServerSocket listen(InetAddress address) throws IOException {
        ServerSocket socket = new ServerSocket(0, 50, address);
        listeners.add(socket);
        return socket;
    }

    @AfterAll
    void tearDown() throws IOException {
        for (ServerSocket s : listeners) {
            s.close();
        }
        if (backend != null && slug != null) {
            backend.teardown(slug);
        }
    }

    private ExecResult connect(String host, int port) {
        return bottle.exec(ExecRequest.of("timeout", "20", "bash", "-c", "exec 3<>/dev/tcp/$0/$1", host,
                Integer.toString(port)));
    }

    @Test
    void theGatewayPortOnTheBridgeAddressIsReachable() {
        ExecResult r = connect(reach.bottleAddress(), gateway.getLocalPort());
        assertThat(r.exitCode()).as(r.stderrText()).isZero();
    }

    @Test
    void anotherPortOnTheBridgeAddressIsUnreachable() {
        assertThat(connect(reach.bottleAddress(), bridgeOther.getLocalPort()).exitCode()).isNotZero();
    }

    @Test
    void aListenerOnTheHostsMainAddressIsUnreachable() {
        Assumptions.assumeTrue(hostMain != null, "this host has no non-loopback IPv4 address besides docker's");
        assertThat(connect(hostMain.getInetAddress().getHostAddress(), hostMain.getLocalPort()).exitCode())
                .isNotZero();
    }

    @Test
    void theHostsMainAddressListenerIsReachableFromTheHostItself() throws IOException {
        Assumptions.assumeTrue(hostMain != null, "this host has no non-loopback IPv4 address besides docker's");
        // proves the listener above is real, so its unreachability from the bottle is the firewall's doing
        try (var socket = new java.net.Socket(hostMain.getInetAddress(), hostMain.getLocalPort())) {
            assertThat(socket.isConnected()).isTrue();
        }
    }

    @Test
    void outsideNamesDoNotResolve() {
        assertThat(bottle.exec(ExecRequest.of("getent", "hosts", "deb.debian.org")).exitCode()).isNotZero();
    }

    @Test
    void theEmbeddedResolversOnlyUpstreamIsTheFirewalledBridge() {
        // closes the engine's own forwarding path (CVE-2024-29018 on older engines): whatever the host's resolvers
        assertThat(DockerEngine.host("docker", "inspect", "-f", "{{json .HostConfig.Dns}}", "bb-" + slug).out().strip())
                .isEqualTo("[\"" + reach.bindAddress() + "\"]");
    }

    @Test
    void theBottlesInterfaceHasNoIpv6AddressToReachTheHostsLinkLocalOne() {
        // the firewall chain is IPv4 only; the engine leaves IPv6 off on an IPv4-only network, and this keeps it so
        String inet6 = bottle.exec(ExecRequest.of("cat", "/proc/net/if_inet6")).stdoutText();
        assertThat(inet6.lines()).noneMatch(l -> l.strip().endsWith("eth0"));
    }

    @Test
    void theBottleHasNoDockerSocket() {
        assertThat(bottle.exec(ExecRequest.of("test", "-e", "/var/run/docker.sock").asUser("root")).exitCode())
                .isNotZero();
        assertThat(bottle.exec(ExecRequest.of("test", "-e", "/run/docker.sock").asUser("root")).exitCode())
                .isNotZero();
    }

    @Test
    void theContainerIsNotPrivilegedAndForbidsNewPrivileges() {
        String inspect = DockerEngine.host("docker", "inspect", "--format",
                "{{.HostConfig.Privileged}} {{.HostConfig.SecurityOpt}} {{.HostConfig.Binds}}", "bb-" + slug).out();
        assertThat(inspect.strip()).startsWith("false [no-new-privileges]").doesNotContain("docker.sock");
        assertThat(bottle.exec(ExecRequest.of("grep", "NoNewPrivs", "/proc/self/status")).stdoutText())
                .contains("1");
    }

    @Test
    void rootKeepsOnlyTheProvisioningCapabilitiesAndTheAgentHasNone() {
        // CHOWN(0) DAC_OVERRIDE(1) FOWNER(3) SETGID(6) SETUID(7) = 0xcb
        String root = bottle.exec(ExecRequest.of("grep", "^Cap", "/proc/self/status").asUser("root")).stdoutText();
        assertThat(root).contains("CapEff:\t00000000000000cb").contains("CapBnd:\t00000000000000cb");
        String agent = bottle.exec(ExecRequest.of("grep", "^CapEff", "/proc/self/status")).stdoutText();
        assertThat(agent).contains("CapEff:\t0000000000000000");
    }

    @Test
    void reachSaysTheFirewallIsInForce() {
        assertThat(reach.isolation()).contains("firewall chain");
        assertThat(backend.describe(DockerEngine.spec(slug)).details().get("host isolation")).contains("firewall chain");
    }
}
