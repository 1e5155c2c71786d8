package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ResourceLimits;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DockerArgsTests {

    static BottleSpec spec(ResourceLimits limits) {
        return new BottleSpec("dev-abc", "dev", ImageSpec.of("bot-bottle/base:bookworm"), Map.of("LANG", "C.UTF-8"),
                Map.of("team", "blue", Names.SLUG_LABEL, "forged"), limits, false);
    }

    @Test
    void networkIsInternalWithABridgeNamedFromTheSlugHash() {
        List<String> args = DockerArgs.networkCreate(spec(ResourceLimits.NONE));
        assertThat(args).startsWith("network", "create", "--internal").endsWith("bb-dev-abc")
                .containsSequence("-o", "com.docker.network.bridge.name=" + Names.bridgeInterface("dev-abc"))
                .containsSequence("--label", "dev.botbottle.managed=true")
                .containsSequence("--label", "dev.botbottle.slug=dev-abc")
                .containsSequence("--label", "team=blue");
    }

    @Test
    void theGatewayHolderIdlesOnTheBottlesNetworkWithNoCapabilityAndLowPortsOpenToItsUser() {
        List<String> args = DockerArgs.gatewayHolderRun(spec(ResourceLimits.NONE), "bot-bottle/base:bookworm");
        assertThat(args).startsWith("run", "-d", "--name", "bb-dev-abc.gateway")
                .containsSequence("--network", "bb-dev-abc").containsSequence("--cap-drop", "ALL")
                .contains("--read-only").containsSequence("--sysctl", "net.ipv4.ip_unprivileged_port_start=0")
                .containsSequence("--label", Names.ROLE_LABEL + "=" + Names.ROLE_GATEWAY)
                .containsSequence("--label", "dev.botbottle.slug=dev-abc")
                .endsWith("--entrypoint", "sleep", "bot-bottle/base:bookworm", "infinity");
    }

    @Test
    void theGatewayProgramRunsAttachedInTheHoldersNamespaceWithOnlyItsDirectoriesMounted() {
        List<String> args = DockerArgs.gatewayProgramRun("dev-abc", "bot-bottle/gateway:1", "1000:1000",
                List.of(Path.of("/home/u/state/dev-abc")), List.of(Path.of("/etc/ca.pem")), "/opt/java",
                List.of("-cp", "/opt/lib/a.jar", "Main"));
        assertThat(args).startsWith("run", "-i", "--rm", "--name", "bb-dev-abc.gateway-program")
                .containsSequence("--network", "container:bb-dev-abc.gateway").containsSequence("--user", "1000:1000")
                .containsSequence("--cap-drop", "ALL").contains("--read-only")
                .containsSequence("--mount", "type=bind,source=/home/u/state/dev-abc,target=/home/u/state/dev-abc")
                .containsSequence("--mount", "type=bind,source=/etc/ca.pem,target=/etc/ca.pem,readonly")
                .containsSequence("--label", Names.ROLE_LABEL + "=" + Names.ROLE_GATEWAY_PROGRAM)
                .endsWith("--entrypoint", "/opt/java", "bot-bottle/gateway:1", "-cp", "/opt/lib/a.jar", "Main");
        assertThat(args).noneMatch(a -> a.startsWith("-e") || a.startsWith("--env"));
    }

    @Test
    void ownLabelsWinOverTheSpecsLabels() {
        assertThat(DockerArgs.labels(spec(ResourceLimits.NONE))).containsEntry(Names.SLUG_LABEL, "dev-abc");
    }

    @Test
    void containerDropsEveryCapabilityButThoseRootProvisioningNeeds() {
        List<String> args = DockerArgs.containerCreate(spec(ResourceLimits.NONE), false, false, "172.30.0.1");
        assertThat(args).containsSequence("--cap-drop", "ALL")
                .containsSequence("--security-opt", "no-new-privileges")
                .containsSequence("--network", "bb-dev-abc")
                .contains("--init")
                .doesNotContain("--privileged", "--runtime=runsc")
                .noneMatch(a -> a.contains("docker.sock"));
        assertThat(String.join(" ", args)).contains("--cap-add CHOWN --cap-add DAC_OVERRIDE --cap-add FOWNER "
                + "--cap-add SETUID --cap-add SETGID");
        assertThat(args).endsWith("--entrypoint", "sleep", "bot-bottle/base:bookworm", "infinity");
    }

    @Test
    void outsideNamesAreSentToTheFirewalledBridgeOnlyWhenTheFirewallIsInForce() {
        assertThat(DockerArgs.containerCreate(spec(ResourceLimits.NONE), false, false, "172.30.0.1"))
                .containsSequence("--dns", "172.30.0.1");
        assertThat(DockerArgs.containerCreate(spec(ResourceLimits.NONE), false, true, "172.30.0.1"))
                .doesNotContain("--dns");
    }

    @Test
    void containerRecordsTheIsolationInForce() {
        assertThat(DockerArgs.containerCreate(spec(ResourceLimits.NONE), false, true, "172.30.0.1"))
                .containsSequence("--label", "dev.botbottle.isolation=weak");
        assertThat(DockerArgs.containerCreate(spec(ResourceLimits.NONE), false, false, "172.30.0.1"))
                .containsSequence("--label", "dev.botbottle.isolation=firewall");
    }

    @Test
    void hostnameIsTheSlugCutToAValidLength() {
        assertThat(DockerArgs.hostname("dev-abc")).isEqualTo("dev-abc");
        assertThat(DockerArgs.hostname("a".repeat(62) + "-bc")).isEqualTo("a".repeat(62));
    }

    @Test
    void containerUsesGvisorWhenTheEngineHasIt() {
        assertThat(DockerArgs.containerCreate(spec(ResourceLimits.NONE), true, false, "172.30.0.1")).contains("--runtime=runsc");
    }

    @Test
    void resourceLimitsBecomeDockerOptions() {
        var limits = new ResourceLimits(Optional.of(1.5), Optional.of(2L << 30), Optional.of(256));
        assertThat(DockerArgs.containerCreate(spec(limits), false, false, "172.30.0.1"))
                .containsSequence("--cpus", "1.5")
                .containsSequence("--memory", Long.toString(2L << 30))
                .containsSequence("--pids-limit", "256");
        assertThat(DockerArgs.limits(new ResourceLimits(Optional.of(2.0), Optional.empty(), Optional.empty())))
                .containsExactly("--cpus", "2");
    }

    @Test
    void execNamesEnvVariablesWithoutTheirValues() {
        var request = ExecRequest.of("env").withEnv(Map.of("TOKEN", "s3cret-value", "A", "1"));
        List<String> args = DockerArgs.exec("bb-x", request, "agent", "/home/agent", false, false, null);
        assertThat(args).containsExactly("exec", "-u", "agent", "-w", "/home/agent", "-e", "A", "-e", "TOKEN",
                "bb-x", "env");
        assertThat(String.join(" ", args)).doesNotContain("s3cret-value");
    }

    @Test
    void execAttachesStdinAndTerminalOnlyWhenAsked() {
        var request = ExecRequest.of("cat");
        assertThat(DockerArgs.exec("bb-x", request, "agent", null, true, false, null))
                .containsExactly("exec", "-i", "-u", "agent", "bb-x", "cat");
        assertThat(DockerArgs.exec("bb-x", request, "agent", null, true, true, "id-1"))
                .containsExactly("exec", "-i", "-t", "-u", "agent", "-e", "BOT_BOTTLE_EXEC_ID=id-1", "bb-x", "cat");
    }

    @Test
    void execRefusesVariablesTheDockerClientWouldReadItself() {
        var request = ExecRequest.of("true").withEnv(Map.of("DOCKER_HOST", "tcp://evil"));
        assertThatThrownBy(() -> DockerArgs.exec("bb-x", request, "agent", null, false, false, null))
                .isInstanceOf(BackendException.class).hasMessageContaining("DOCKER_HOST")
                .hasMessageNotContaining("tcp://evil");
    }

    @Test
    void execRefusesInvalidVariableNames() {
        var request = ExecRequest.of("true").withEnv(Map.of("A=B", "x"));
        assertThatThrownBy(() -> DockerArgs.exec("bb-x", request, "agent", null, false, false, null))
                .isInstanceOf(BackendException.class).hasMessageContaining("'A=B'");
    }

    @Test
    void buildPassesArgsLabelsAndTheContext() {
        Path context = Path.of("/tmp/ctx");
        assertThat(DockerArgs.build("img:1", context, Map.of("BASE_IMAGE", "base:1"), Map.of("k", "v")))
                .containsExactly("build", "-t", "img:1", "-f", "/tmp/ctx/Dockerfile", "--build-arg",
                        "BASE_IMAGE=base:1", "--label", "k=v", "/tmp/ctx");
    }
}
