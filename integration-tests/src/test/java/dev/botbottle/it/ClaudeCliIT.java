package dev.botbottle.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.botbottle.provider.claude.ClaudeProvider;
import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.Secret;
import dev.botbottle.spi.SkillSource;
import dev.botbottle.spi.SuperviseEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The provider's image and steps against the real Claude Code binary, in a bottle with no way out: the Docker
 * backend builds the image from the shipped Dockerfile, the binary runs at the pinned version, and the steps, applied
 * by core's provisioning engine, leave prompt, skills, {@code ~/.claude.json} and the supervise registration where
 * Claude Code reads them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClaudeCliIT {
    private static final String SUPERVISE_URL = "http://172.18.0.1:40123/mcp";
    private static final String SUPERVISE_BEARER = "supervise-bearer-for-this-bottle-only";

    private final ClaudeProvider provider = new ClaudeProvider();
    private final ObjectMapper json = new ObjectMapper();
    private ProviderBottle bottle;
    private Map<String, String> bottleEnv;

    @BeforeAll
    void launchAndProvision() throws Exception {
        Docker.assumeEngine();
        Path skills = Files.createTempDirectory("claude-it-skills");
        Path skill = Files.createDirectories(skills.resolve("acme-deploy"));
        Files.writeString(skill.resolve("SKILL.md"),
                "---\nname: acme-deploy\ndescription: Deploys the acme service\n---\nRun make deploy.\n");
        Files.createDirectories(skill.resolve("scripts"));
        Files.writeString(skill.resolve("scripts/deploy.sh"), "#!/bin/sh\necho deploy\n");
        AgentRequest request = AgentRequest.builder("dev", "dev-it").prompt("Always answer in French.")
                .skills(List.of(new SkillSource("acme-deploy", skill)))
                .settings(Map.of(ClaudeProvider.AUTH_TOKEN_SETTING, "BOT_BOTTLE_CLAUDE_OAUTH_TOKEN"))
                .hostHome(Path.of("/nonexistent")).build();
        AgentProvisionPlan plan = provider.plan(request);
        bottle = ProviderBottle.start("claude-cli-it", plan);
        bottleEnv = bottle.env();
        // What the CLI may already have written: the merge must keep it.
        bottle.exec(ExecRequest.of("sh", "-c", "printf '%s' '{\"botBottleItMarker\":\"keep-me\",\"projects\":{\"/home/agent/other\":"
                + "{\"allowedTools\":[\"Bash\"]}}}' > ~/.claude.json"));
        bottle.provision(provider.provisioningSteps(request, bottle.bottle()));
        // provisioning again (as on resume) replaces a skill's old copy and merges ~/.claude.json again
        bottle.sh("agent", "touch", "/home/agent/.claude/skills/acme-deploy/stale.md");
        bottle.provision(provider.provisioningSteps(request, bottle.bottle()));
        // twice, as on resume with a new address: one entry, the latest URL
        bottle.provision(provider.superviseSteps(new SuperviseEndpoint("http://172.18.0.1:1/old", "BOT_BOTTLE_SUPERVISE_TOKEN",
                Secret.of(SUPERVISE_BEARER))));
        bottle.provision(provider.superviseSteps(new SuperviseEndpoint(SUPERVISE_URL, "BOT_BOTTLE_SUPERVISE_TOKEN",
                Secret.of(SUPERVISE_BEARER))));
    }

    @AfterAll
    void remove() {
        if (bottle != null) {
            bottle.close();
        }
    }

    private JsonNode claudeJson() throws Exception {
        return json.readTree(bottle.sh("agent", "cat", "/home/agent/.claude.json"));
    }

    @Test
    void runsThePinnedVersion() {
        assertThat(bottle.sh("agent", "claude", "--version")).contains(ClaudeProvider.cliVersion() + " (Claude Code)");
    }

    @Test
    void mergesClaudeJsonKeepingWhatWasThere() throws Exception {
        JsonNode root = claudeJson();

        assertThat(root.path("botBottleItMarker").asText()).isEqualTo("keep-me");
        assertThat(root.path("hasCompletedOnboarding").asBoolean()).isTrue();
        assertThat(root.path("projects").path("/home/agent/workspace").path("hasTrustDialogAccepted").asBoolean()).isTrue();
        assertThat(root.path("projects").path("/home/agent/other").path("allowedTools").get(0).asText()).isEqualTo("Bash");
        assertThat(bottle.sh("root", "stat", "-c", "%U %a", "/home/agent/.claude.json").trim()).isEqualTo("agent 600");
    }

    @Test
    void registersSuperviseWithTheRealClaudeMcpAddAsAUserScopedHttpServer() throws Exception {
        assertThat(bottle.warnings()).isEmpty();
        JsonNode server = claudeJson().path("mcpServers").path("supervise");

        assertThat(server.path("type").asText()).isEqualTo("http");
        assertThat(server.path("url").asText()).isEqualTo(SUPERVISE_URL);
        assertThat(server.path("headers").path("Authorization").asText()).isEqualTo("Bearer " + SUPERVISE_BEARER);
        assertThat(claudeJson().path("mcpServers").size()).isEqualTo(1);
        assertThat(bottle.exec(ExecRequest.of("test", "-e", "/home/agent/.bot-bottle-supervise-bearer")).exitCode())
                .as("the bearer hand-over file is removed").isNotZero();
    }

    @Test
    void provisioningAgainReplacesTheSkillsOldCopy() {
        ExecResult stale = bottle.exec(ExecRequest.of("test", "-e", "/home/agent/.claude/skills/acme-deploy/stale.md"));
        assertThat(stale.exitCode()).isNotZero();
    }

    @Test
    void putsPromptAndSkillsWhereClaudeReadsThem() {
        assertThat(bottle.sh("agent", "cat", "/home/agent/.claude/CLAUDE.md")).isEqualTo("Always answer in French.");
        assertThat(bottle.sh("root", "stat", "-c", "%U %a", "/home/agent/.claude/skills/acme-deploy/SKILL.md",
                "/home/agent/.claude/skills/acme-deploy/scripts/deploy.sh"))
                .isEqualTo("agent 755\nagent 755\n");
    }

    @Test
    void headlessClaudeSeesTheSkillTheSuperviseServerAndTheOAuthPlaceholderWithoutNetwork() throws Exception {
        // No network: the init event comes before the first API call, which then fails and is retried; the first line
        // is all this test needs, so `head` ends the run there. The time to it is printed: the agent's start.
        String claude = String.join(" ", provider.headlessCommand("say hi").stream()
                .map(a -> "'" + a.replace("'", "'\\''") + "'").toList());
        String command = "s=$(date +%s%N); (timeout 60 " + claude + " & echo $! > /tmp/claude.pid; wait)"
                + " | { head -n 1; echo \"start-ms=$(( ($(date +%s%N) - s) / 1000000 ))\" >&2;"
                + " kill $(cat /tmp/claude.pid) 2>/dev/null; }";
        ExecResult r = bottle.exec(new ExecRequest(List.of("sh", "-c", command), bottleEnv, Optional.of("/home/agent"),
                Optional.empty(), Optional.empty(), Duration.ofSeconds(90)));
        System.out.println("headless Claude Code, time to its init event: " + r.stderrText().lines()
                .filter(l -> l.startsWith("start-ms=")).findFirst().orElse("(not printed)"));
        String first = r.stdoutText().lines().findFirst().orElseThrow(
                () -> new AssertionError("no stream-json output; stderr: " + r.stderrText()));
        JsonNode init = json.readTree(first);

        assertThat(init.path("type").asText()).isEqualTo("system");
        assertThat(init.path("subtype").asText()).isEqualTo("init");
        assertThat(init.path("claude_code_version").asText()).isEqualTo(ClaudeProvider.cliVersion());
        assertThat(init.path("skills").toString()).contains("acme-deploy");
        assertThat(init.path("mcp_servers").toString()).contains("supervise");
        assertThat(init.path("permissionMode").asText()).isEqualTo("bypassPermissions");
        assertThat(init.path("apiKeySource").asText()).isNotEqualTo("ANTHROPIC_API_KEY");
    }

    @Test
    void logsInWithTheOAuthPlaceholderAndHasNoApiKey() {
        ExecResult status = bottle.exec(new ExecRequest(List.of("claude", "auth", "status"), bottleEnv, Optional.empty(),
                Optional.empty(), Optional.empty(), Duration.ofSeconds(60)));

        assertThat(status.stdoutText() + status.stderrText()).contains("oauth_token");
        assertThat(bottle.sh("agent", "env")).contains("CLAUDE_CODE_OAUTH_TOKEN=" + ClaudeProvider.PLACEHOLDER)
                .contains("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1").doesNotContain("ANTHROPIC_API_KEY");
    }
}
