package dev.botbottle.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CliTests {

    @TempDir
    Path home;

    private Map<String, String> env;

    @BeforeEach
    void manifests() throws IOException {
        env = Map.of("BOT_BOTTLE_HOME", home.toString(), "BOT_BOTTLE_BACKEND", "docker",
                "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        write("bottles/base.md", """
                ---
                image: bot-bottle/base:bookworm
                agent_provider:
                  template: shell
                env:
                  GREETING: hello
                  SECRET_THING: "${HOST_SECRET}"
                  ASKED: "?paste it"
                git:
                  user:
                    name: Bottle Bot
                    email: bot@example.com
                ---
                """);
        write("bottles/task.md", """
                ---
                extends: base
                egress:
                  routes:
                    - host: api.example.com
                      auth: {scheme: Bearer, token_ref: EXAMPLE_TOKEN}
                      matches:
                        - paths: [{type: prefix, value: /v1/}]
                          methods: [GET]
                git:
                  remotes:
                    origin:
                      url: ssh://git@git.example.com:2222/team/repo.git
                      identity: /keys/id_ed25519
                      host_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
                ---
                """);
        write("agents/reviewer.md", """
                ---
                bottle: task
                git:
                  user:
                    name: Review Agent
                ---
                Review the code.
                """);
    }

    @Test
    void validatePassesOnAGoodManifest() {
        CliRun r = CliRun.run(env, "validate");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 bottle(s), 1 agent(s)");
    }

    @Test
    void validateListsEveryProblemAndExitsTwo() throws IOException {
        write("bottles/broken.md", """
                ---
                imgae: x
                env:
                  BAD: "${not-a-name}"
                ---
                """);
        write("agents/bad.md", """
                ---
                bottle: base
                git:
                  remotes: {}
                ---
                """);
        CliRun r = CliRun.run(env, "validate");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("broken.md").contains("imgae").contains("did you mean")
                .contains("bad.md").contains("remotes");
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void planRendersThePreflightWithoutSecrets() {
        CliRun r = CliRun.run(env, "plan", "reviewer");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("origin → git.example.com:2222")
                .contains("api.example.com [auth:Bearer]")
                .contains("Review Agent (agent) <bot@example.com> (bottle)")
                .contains("SECRET_THING (from $HOST_SECRET)")
                .contains("ASKED (prompted)")
                .doesNotContain("hello");
    }

    @Test
    void planPrintsJson() throws IOException {
        CliRun r = CliRun.run(env, "plan", "reviewer", "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("agent").asText()).isEqualTo("reviewer");
        assertThat(json.get("routes").get(0).get("host").asText()).isEqualTo("api.example.com");
        assertThat(json.get("routes").get(0).get("auth").get("tokenRef").asText()).isEqualTo("EXAMPLE_TOKEN");
    }

    @Test
    void theEscapeTestOfAnUnknownAgentIsAClearErrorAndLaunchesNothing() {
        CliRun r = CliRun.run(env, "doctor", "--escape-test", "nobody");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("nobody").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.out()).doesNotContain("attempts:");
    }

    @Test
    void infoShowsTheAgentAndItsBottleChain() {
        CliRun r = CliRun.run(env, "info", "reviewer");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("agent:   reviewer").contains("bottle:  task").contains("extends base");
    }

    @Test
    void listShowsBottlesAndAgents() {
        CliRun r = CliRun.run(env, "list");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("base").contains("task").contains("reviewer");
    }

    @Test
    void anUnknownAgentIsOneMessageAndExitTwo() {
        CliRun r = CliRun.run(env, "plan", "nobody");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("bottle: unknown agent 'nobody'; available: reviewer\n");
    }

    @Test
    void anUnknownBackendListsTheAvailableOnes() {
        CliRun r = CliRun.run(env, "plan", "reviewer", "--backend", "nope");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown backend 'nope'; available: ").contains("docker");
    }

    @Test
    void badArgumentsExitTwoWithUsageHint() {
        CliRun r = CliRun.run(env, "plan");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required parameter").contains("--help");
    }

    @Test
    void aMissingHostVariableFailsTheLaunchNamingItWithoutCreatingAnything() {
        CliRun r = CliRun.run(env, "launch", "reviewer", "--headless", "--prompt", "true");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("EXAMPLE_TOKEN").contains("not set");
        assertThat(home.resolve("state")).doesNotExist();
    }

    @Test
    void removingAnUnknownBottleSaysSo() {
        CliRun r = CliRun.run(env, "rm", "never-was");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("bottle: no bottle 'never-was'").contains("bottle ps");
        assertThat(home.resolve("state/never-was")).doesNotExist();
    }

    @Test
    void debugShowsTheStackTrace() {
        CliRun r = CliRun.run(env, "--debug", "plan", "nobody");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("\tat dev.botbottle");
    }

    private void write(String relative, String text) throws IOException {
        Path file = home.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
