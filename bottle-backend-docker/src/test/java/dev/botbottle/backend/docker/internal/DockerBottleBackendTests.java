package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.GatewayPorts;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.ResourceLimits;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DockerBottleBackendTests {

    private static final String PASSWD = "root:x:0:0:root:/root:/bin/bash\nagent:x:1000:1000::/home/agent:/bin/bash\n";

    private final RecordingRunner docker = new RecordingRunner();
    private final RecordingRunner iptables = new RecordingRunner();

    private DockerBottleBackend backend() {
        var cli = new DockerCli("docker", docker);
        var none = Path.of("/nonexistent");
        return new DockerBottleBackend(cli, new HostFirewall("iptables", iptables),
                new Images(cli, Map.of()), ProgressListener.NONE);
    }

    private static BottleSpec spec(boolean allowWeak) {
        return new BottleSpec("dev-abc", "dev", ImageSpec.of("bot-bottle/base:bookworm"), Map.of(), Map.of(),
                ResourceLimits.NONE, allowWeak);
    }

    private void nothingExists() {
        docker.when("container inspect", CommandResult.failed(1, "Error: No such container: bb-dev-abc"))
                .when("{{index .Labels", CommandResult.failed(1, "Error: No such network: bb-dev-abc"));
    }

    private void bothExistAndAreOurs() {
        docker.when("{{index .Config.Labels", CommandResult.ok("true\n"))
                .when("{{index .Labels", CommandResult.ok("true\n"));
    }

    private static final String IPAM = "[{\"Subnet\":\"172.19.0.0/16\",\"Gateway\":\"172.19.0.1\"}]";
    private static final HostReach REACH = new HostReach("172.19.0.1", "172.19.0.1", "x");

    @Test
    void prepareRefusesWhenAContainerWithTheNameExistsLeavesNoNetworkAndSaysHowToCleanUp() {
        bothExistAndAreOurs();
        assertThatThrownBy(() -> backend().prepare(spec(false)))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("container named 'bb-dev-abc' already exists")
                .hasMessageContaining("bottle rm dev-abc")
                .hasMessageContaining("docker rm -f bb-dev-abc")
                .hasMessageContaining("docker network rm bb-dev-abc");
        // the network is made while the name is checked: a network it made is removed again
        assertThat(docker.lines()).anyMatch(l -> l.contains("network rm bb-dev-abc"));
        assertThat(docker.lines()).noneMatch(l -> l.contains("run -d"));
    }

    @Test
    void prepareRefusesANameTakenByAForeignContainerWithoutSuggestingCleanup() {
        docker.when("{{index .Config.Labels", CommandResult.ok("\n"));
        assertThatThrownBy(() -> backend().prepare(spec(false)))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("was not made by bot-bottle")
                .hasMessageNotContaining("bottle rm");
    }

    @Test
    void aContainerNameTakenMeanwhileIsFoundByTheEnginesRefusal() {
        docker.when("{{json .IPAM.Config}}", CommandResult.ok(IPAM))
                .when("run -d", CommandResult.failed(125, "docker: Error response from daemon: Conflict. The container"
                        + " name \"/bb-dev-abc\" is already in use by container \"0a1b\"."))
                // absent when prepare checks the name, ours when the refusal is explained
                .when("{{index .Config.Labels", CommandResult.failed(1, "Error: No such container: bb-dev-abc"),
                        CommandResult.ok("true\n"));
        var backend = backend();
        HostReach reach = backend.prepare(spec(false));
        assertThatThrownBy(() -> backend.create(spec(false), reach, GatewayPorts.tcp(4000)))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("container named 'bb-dev-abc' already exists");
    }

    @Test
    void aDaemonThatDoesNotAnswerIsAnErrorNotAnAbsentBottle() {
        docker.when("container inspect", CommandResult.failed(1,
                "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"));
        assertThatThrownBy(() -> backend().teardown("dev-abc"))
                .isInstanceOf(BackendException.class).hasMessageContaining("Cannot connect to the Docker daemon");
    }

    @Test
    void teardownLeavesAForeignContainerAlone() {
        docker.when("{{index .Config.Labels", CommandResult.ok("\n"))
                .when("{{index .Labels", CommandResult.failed(1, "Error: No such network: bb-dev-abc"));
        backend().teardown("dev-abc");
        assertThat(docker.lines()).noneMatch(l -> l.contains(" rm "));
    }

    @Test
    void prepareRefusesWhenANetworkWithTheNameExists() {
        docker.when("network create", CommandResult.failed(1, "Error response from daemon: network with name"
                + " bb-dev-abc already exists"))
                .when("container inspect", CommandResult.failed(1, "Error: No such container: bb-dev-abc"))
                .when("{{index .Labels", CommandResult.ok("true\n"));
        assertThatThrownBy(() -> backend().prepare(spec(false)))
                .hasMessageContaining("network named 'bb-dev-abc' already exists");
        assertThat(docker.lines()).noneMatch(l -> l.contains("run -d"));
    }

    @Test
    void prepareCreatesTheInternalNetworkAndReachesTheHostOnItsGateway() {
        nothingExists();
        docker.when("{{json .IPAM.Config}}", CommandResult.ok(IPAM));
        var backend = backend();
        HostReach reach = backend.prepare(spec(false));
        assertThat(reach.bindAddress()).isEqualTo("172.19.0.1");
        assertThat(reach.bottleAddress()).isEqualTo("172.19.0.1");
        assertThat(reach.isolation()).contains(Names.chain("dev-abc"));
        assertThat(docker.lines()).anyMatch(l -> l.startsWith("docker network create --internal"));
        backend.create(spec(false), reach, GatewayPorts.tcp(4000));
        // the chain is in force before the container runs, admitting nothing; create opens the gateway port
        List<String> chains = iptables.commands.stream().filter(c -> c.stdin().isPresent())
                .map(c -> new String(c.stdin().get(), java.nio.charset.StandardCharsets.US_ASCII)).toList();
        assertThat(chains).hasSize(2);
        assertThat(chains.get(0)).doesNotContain("--dport").contains("-j REJECT");
        assertThat(chains.get(1)).contains("--dport 4000");
        assertThat(docker.lines()).anyMatch(l -> l.startsWith("docker run -d") && l.contains("--dns 172.19.0.1"));
    }

    @Test
    void startHandsOutTheContainerItStartedReadingEachImagesUsersOnce() {
        nothingExists();
        docker.when("{{json .IPAM.Config}}", CommandResult.ok(IPAM))
                .when("image inspect", CommandResult.ok("sha256:aaa {\"dev.botbottle.user\":\"agent\"}\n"))
                .when("cat /etc/passwd", CommandResult.ok(PASSWD));
        var backend = backend();
        for (String slug : List.of("dev-abc", "dev-def")) {
            BottleSpec spec = new BottleSpec(slug, "dev", ImageSpec.of("bot-bottle/base:bookworm"), Map.of(), Map.of(),
                    ResourceLimits.NONE, false);
            backend.create(spec, backend.prepare(spec), GatewayPorts.tcp(4000));
            var bottle = backend.start(slug);
            assertThat(bottle.agentUser()).isEqualTo("agent");
            assertThat(bottle.agentHome()).isEqualTo("/home/agent");
        }
        assertThat(docker.lines()).filteredOn(l -> l.contains("cat /etc/passwd")).hasSize(1);
        assertThat(docker.lines()).noneMatch(l -> l.startsWith("docker start") || l.contains("{{json .}}"));
    }

    @Test
    void prepareRefusesWithoutFirewallRightsUnlessWeakIsolationIsAllowed() {
        nothingExists();
        iptables.when("-S INPUT", CommandResult.failed(4, "Permission denied (you must be root)"));
        assertThatThrownBy(() -> backend().prepare(spec(false)))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("you must be root").hasMessageContaining("allowWeakIsolation");
        assertThat(docker.lines()).noneMatch(l -> l.contains("network create"));
    }

    @Test
    void preparedReachSaysWhenIsolationIsWeak() {
        nothingExists();
        docker.when("{{json .IPAM.Config}}", CommandResult.ok("[{\"Gateway\":\"172.19.0.1\"}]"));
        iptables.when("-S INPUT", CommandResult.failed(4, "Permission denied (you must be root)"));
        assertThat(backend().prepare(spec(true)).isolation()).startsWith("WEAK");
    }

    @Test
    void createRefusesWhenTheFirewallCannotBeInstalledAndWeakIsolationIsNotAllowed() {
        docker.when("info --format", CommandResult.ok("{\"runc\":{}}"));
        iptables.when("iptables-restore", CommandResult.failed(1, "iptables-restore: Resource busy"));
        assertThatThrownBy(() -> backend().create(spec(false), REACH, List.of(4000)))
                .isInstanceOf(BackendException.class).hasMessageContaining("Resource busy");
        assertThat(docker.lines()).noneMatch(l -> l.startsWith("docker run"));
    }

    @Test
    void openingTheGatewayPortsAfterPrepareNeverFallsBackToWeakIsolation() {
        nothingExists();
        docker.when("{{json .IPAM.Config}}", CommandResult.ok(IPAM));
        var backend = backend();
        HostReach reach = backend.prepare(spec(true));
        iptables.when("iptables-restore", CommandResult.failed(1, "iptables-restore: Resource busy"));
        assertThatThrownBy(() -> backend.create(spec(true), reach, GatewayPorts.tcp(4000)))
                .isInstanceOf(BackendException.class).hasMessageContaining("Resource busy");
        backend.teardown("dev-abc");
        assertThat(docker.lines()).noneMatch(l -> l.contains("dev.botbottle.isolation=weak"));
    }

    @Test
    void createWithWeakIsolationAllowedRecordsItOnTheContainer() {
        docker.when("info --format", CommandResult.ok("{\"runc\":{}}"));
        iptables.when("-S INPUT", CommandResult.failed(4, "you must be root"));
        backend().create(spec(true), REACH, List.of(4000));
        assertThat(docker.lines()).anyMatch(l -> l.startsWith("docker run -d")
                && l.contains("dev.botbottle.isolation=weak"));
    }

    @Test
    void createInstallsTheFirewallBeforeTheContainerExists() {
        docker.when("info --format", CommandResult.ok("{\"runc\":{},\"runsc\":{}}"));
        backend().create(spec(false), REACH, List.of(4000));
        assertThat(iptables.commands).anyMatch(c -> c.stdin().isPresent()
                && new String(c.stdin().get(), java.nio.charset.StandardCharsets.US_ASCII).contains("--dport 4000"));
        assertThat(docker.lines()).anyMatch(l -> l.startsWith("docker run -d") && l.contains("--runtime=runsc")
                && l.contains("dev.botbottle.isolation=firewall"));
        // one runner for both tools shows the order: the chain first, then the container
        var both = new RecordingRunner().when("info --format", CommandResult.ok("{\"runc\":{}}"));
        var cli = new DockerCli("docker", both);
        new DockerBottleBackend(cli, new HostFirewall("iptables", both), new Images(cli, Map.of()),
                ProgressListener.NONE).create(spec(false), REACH, List.of(4000));
        List<String> order = both.lines();
        assertThat(order.stream().filter(l -> l.contains("iptables-restore")).findFirst().map(order::indexOf)
                .orElseThrow()).isLessThan(order.stream().filter(l -> l.startsWith("docker run")).findFirst()
                .map(order::indexOf).orElseThrow());
    }

    @Test
    void teardownRunsEveryStepAndRethrowsTheFirstFailure() {
        bothExistAndAreOurs();
        docker.when("rm -f", CommandResult.failed(1, "Error response from daemon: removal in progress"))
                .when("network rm", CommandResult.failed(1, "Error response from daemon: network has active endpoints"));
        assertThatThrownBy(() -> backend().teardown("dev-abc"))
                .isInstanceOf(BackendException.class).hasMessageContaining("removal in progress");
        assertThat(docker.lines()).anyMatch(l -> l.contains("network rm bb-dev-abc"));
        assertThat(iptables.lines()).anyMatch(l -> l.contains("-X " + Names.chain("dev-abc")));
    }

    @Test
    void teardownOfAnAbsentBottleSucceeds() {
        nothingExists();
        iptables.when("-S " + Names.chain("dev-abc"), CommandResult.failed(1, "No chain"))
                .when("-C INPUT", CommandResult.failed(2, "no chain"));
        backend().teardown("dev-abc");
        assertThat(docker.lines()).noneMatch(l -> l.contains(" rm "));
    }

    @Test
    void attachRefusesABottleThatIsNotRunning() {
        docker.when("container inspect", CommandResult.ok("{\"State\":{\"Status\":\"exited\",\"Running\":false}}"));
        assertThatThrownBy(() -> backend().attach("dev-abc"))
                .isInstanceOf(BackendException.class).hasMessageContaining("not running").hasMessageContaining("exited");
    }

    @Test
    void attachFindsTheAgentUserFromTheImage() {
        docker.when("container inspect", CommandResult.ok("{\"State\":{\"Status\":\"running\",\"Running\":true},"
                + "\"Config\":{\"Labels\":{}}}")).when("cat /etc/passwd", CommandResult.ok(PASSWD));
        var bottle = backend().attach("dev-abc");
        assertThat(bottle.agentUser()).isEqualTo("agent");
        assertThat(bottle.agentHome()).isEqualTo("/home/agent");
    }

    @Test
    void statesSayWhatTheEngineReportsNow() {
        // slug, role (gateway containers of docker.gateway=container carry one), state
        docker.when("ps -a", CommandResult.ok("dev-abc\t\trunning\nold-y\t\texited\nold-y\tgateway\trunning\n"
                        + "crashed\t\tcreated\ngw-only\tgateway\trunning\n"))
                .when("network ls", CommandResult.ok("dev-abc\nold-x\nold-y\n"));
        iptables.when("-S INPUT", CommandResult.ok("-A INPUT -i " + Names.bridgeInterface("chain-only")
                + " -m comment --comment \"bot-bottle slug=chain-only\" -j " + Names.chain("chain-only") + "\n"));
        assertThat(backend().states()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "dev-abc", dev.botbottle.spi.EngineState.RUNNING,
                "old-y", dev.botbottle.spi.EngineState.STOPPED,
                "crashed", dev.botbottle.spi.EngineState.STOPPED,
                "old-x", dev.botbottle.spi.EngineState.INCOMPLETE,
                "gw-only", dev.botbottle.spi.EngineState.INCOMPLETE,
                "chain-only", dev.botbottle.spi.EngineState.INCOMPLETE));
    }

    @Test
    void listCollectsSlugsFromContainerAndNetworkLabels() {
        docker.when("ps -a", CommandResult.ok("dev-abc\n")).when("network ls", CommandResult.ok("dev-abc\nold-x\n"));
        assertThat(backend().list()).containsExactlyInAnyOrder("dev-abc", "old-x");
    }

    @Test
    void describeSaysWhichRuntimeAndIsolationAreInForceWithoutAskingTheEngine() {
        var cli = new DockerCli("docker", docker);
        var plan = new DockerBottleBackend(cli, new HostFirewall("iptables", iptables), new Images(cli, Map.of()),
                ProgressListener.NONE, java.util.Optional.of(true)).describe(spec(false));
        assertThat(docker.lines()).as("planning asks the engine nothing beyond the availability check").isEmpty();
        assertThat(plan.backend()).isEqualTo("docker");
        assertThat(plan.details()).containsKeys("image", "network", "runtime", "host isolation");
        assertThat(plan.details().get("runtime")).contains("gVisor");
        assertThat(plan.details().get("host isolation")).contains(Names.chain("dev-abc"));
        assertThat(plan.details().get("network")).contains("internal");
        assertThat(backend().describe(spec(false)).details().get("runtime")).contains("decided at launch");
    }

    @Test
    void aMissingImageThatCannotBeBuiltIsAClearError() {
        docker.when("image inspect", CommandResult.failed(1, "Error: No such image: nope:1"));
        var spec = new BottleSpec("dev-abc", "dev", ImageSpec.of("nope:1"), Map.of(), Map.of(), ResourceLimits.NONE,
                false);
        assertThatThrownBy(() -> backend().create(spec, new HostReach("1.2.3.4", "1.2.3.4", "x"), List.of()))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("image 'nope:1' is not present").hasMessageContaining("no Dockerfile");
        assertThat(iptables.lines()).isEmpty();
    }
}
