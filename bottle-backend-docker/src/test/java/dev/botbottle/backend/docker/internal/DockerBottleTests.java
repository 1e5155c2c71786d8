package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.HostCommand;
import dev.botbottle.spi.support.AgentUser;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DockerBottleTests {

    private final RecordingRunner runner = new RecordingRunner();
    private final DockerBottle bottle = new DockerBottle(new DockerCli("/usr/bin/docker", runner), "dev-abc",
            AgentUser.parse("root:x:0:0:root:/root:/bin/bash\nagent:x:1000:1000::/home/agent:/bin/bash\n"),
            new AgentUser("agent", 1000, 1000, "/home/agent"));

    @Test
    void execHandsEnvValuesToTheDockerClientEnvironmentNotItsArguments() {
        bottle.exec(ExecRequest.of("env").withEnv(Map.of("TOKEN", "s3cret")));
        Command command = runner.commands.get(0);
        assertThat(command.environment()).containsEntry("TOKEN", "s3cret");
        assertThat(command.argv()).containsSequence("-e", "TOKEN").noneMatch(a -> a.contains("s3cret"));
        assertThat(command.toString()).doesNotContain("s3cret");
    }

    @Test
    void anExecHomeDoesNotMoveTheDockerClientsOwnConfiguration() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("HOME") != null && System.getenv("DOCKER_CONFIG") == null);
        bottle.exec(ExecRequest.of("true").withEnv(Map.of("HOME", "/home/agent")));
        Command command = runner.commands.get(0);
        assertThat(command.environment()).containsEntry("HOME", "/home/agent")
                .containsEntry("DOCKER_CONFIG", System.getenv("HOME") + "/.docker");
        assertThat(command.argv()).containsSequence("-e", "HOME").doesNotContain("DOCKER_CONFIG");
    }

    @Test
    void execRunsAsTheAgentInItsHomeByDefault() {
        bottle.exec(ExecRequest.of("id"));
        assertThat(runner.commands.get(0).argv()).containsSequence("-u", "agent", "-w", "/home/agent");
    }

    @Test
    void execAsRootDefaultsToRootsHome() {
        bottle.exec(ExecRequest.of("id").asUser("root"));
        assertThat(runner.commands.get(0).argv()).containsSequence("-u", "root", "-w", "/root");
    }

    @Test
    void aNonZeroExitIsAResult() {
        runner.when("false", CommandResult.failed(1, "nope"));
        assertThat(bottle.exec(ExecRequest.of("false")).exitCode()).isEqualTo(1);
    }

    @Test
    void dockersOwnFailureIsAnErrorQuotingIt() {
        runner.when("nosuch", CommandResult.failed(126, "OCI runtime exec failed: exec failed: "
                + "\"nosuch\": executable file not found in $PATH: unknown"));
        assertThatThrownBy(() -> bottle.exec(ExecRequest.of("nosuch")))
                .isInstanceOf(BackendException.class).hasMessageContaining("executable file not found");
    }

    @Test
    void aMissingProgramIsAnErrorEvenWhenDockerReportsItOnStdout() {
        runner.when("nosuch", new CommandResult(126, ("OCI runtime exec failed: exec failed: unable to start "
                + "container process: exec: \"nosuch\": executable file not found in $PATH: unknown\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[0], false));
        assertThatThrownBy(() -> bottle.exec(ExecRequest.of("nosuch")))
                .isInstanceOf(BackendException.class).hasMessageContaining("executable file not found");
    }

    @Test
    void aTimedOutCommandIsKilledInsideTheBottleAndReported() {
        runner.when("sleep", new CommandResult(-1, new byte[0], new byte[0], true));
        assertThatThrownBy(() -> bottle.exec(ExecRequest.of("sleep", "100")))
                .isInstanceOf(BackendException.class).hasMessageContaining("did not finish");
        String execId = runner.commands.get(0).argv().stream().filter(a -> a.startsWith("BOT_BOTTLE_EXEC_ID="))
                .findFirst().orElseThrow().substring("BOT_BOTTLE_EXEC_ID=".length());
        assertThat(runner.commands.get(1).argv()).containsSequence("exec", "-u", "agent", "bb-dev-abc").endsWith(execId);
    }

    @Test
    void attachCommandIsAnInteractiveExecCarryingSecretsInItsEnvironment() {
        HostCommand command = bottle.attachCommand(ExecRequest.of("bash").withEnv(Map.of("TOKEN", "s3cret")));
        assertThat(command.argv()).startsWith("/usr/bin/docker", "exec", "-i", "-t", "-u", "agent")
                .containsSequence("-e", "TOKEN").endsWith("bb-dev-abc", "bash")
                .noneMatch(a -> a.contains("s3cret"));
        assertThat(command.environment()).containsEntry("TOKEN", "s3cret");
    }
}
