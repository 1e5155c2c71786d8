package dev.botbottle.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botbottle.spi.DlpPolicy;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GitRemote;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExampleManifestsTests {

    /** The examples live at the repository root; tests run in the module directory. */
    static Path examples() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("examples/manifests"))) {
            p = p.getParent();
        }
        assertThat(p).as("examples/manifests above the working directory").isNotNull();
        return p.resolve("examples/manifests");
    }

    static ManifestLoader loader() {
        return ManifestLoader.forHome(examples().resolve("home")).withProjectDir(examples().resolve("repo"))
                .withUserHome(Path.of("/home/ada"));
    }

    @Test
    void allExampleManifestsAreValidWithoutWarnings() {
        ManifestLoader.LoadResult result = loader().load();

        assertThat(result.problems()).isEmpty();
        // other examples may be added next to these; every one of them must be valid
        assertThat(result.manifest().bottles()).containsKeys("claude", "codex", "task");
        assertThat(result.manifest().agents()).containsKeys("codex-helper", "docs-writer", "fixer", "reviewer");
        for (AgentDef agent : result.manifest().agents().values()) {
            assertThat(result.manifest().bottleFor(agent).bottle().name()).isEqualTo(agent.bottle().orElseThrow());
        }
    }

    @Test
    void taskBottleInheritsTheBaseAndAddsItsOwnBlocks() {
        Manifest m = loader().loadStrict();
        BottleDef task = m.bottle("task").orElseThrow();

        assertThat(task.extendsNames()).containsExactly("claude");
        assertThat(task.effectiveAgentProvider().template()).contains("claude");
        assertThat(task.effectiveAgentProvider().settings()).containsEntry("auth_token", "BOT_BOTTLE_CLAUDE_OAUTH_TOKEN");
        assertThat(task.imageFor("docker")).as("the provider ships the image").isEmpty();
        assertThat(task.env()).containsEntry("TZ", new EnvValue.Literal("UTC"))
                .containsEntry("TICKET", new EnvValue.Prompt("Ticket number to work on"))
                .containsEntry("GIT_AUTHOR_NAME", new EnvValue.HostVariable("USER"));
        assertThat(task.resources().memoryBytes()).contains(4L << 30);
        GitRemote origin = task.remotes().get("origin");
        assertThat(origin.provisionedKey()).isPresent();
        assertThat(origin.provisionedKey().get().provider()).isEqualTo("gitea");
        assertThat(origin.upstreamHost()).isEqualTo("git.example.com");
        assertThat(origin.upstreamPort()).isEqualTo(2222);
        assertThat(task.remotes().get("docs").identity()).contains(Path.of("/home/ada/.ssh/acme_docs_ed25519"));
        assertThat(task.routes()).extracting(EgressRoute::host)
                .containsExactly("api.github.com", "registry.npmjs.org", "pypi.org", "files.pythonhosted.org");
        assertThat(task.routes().get(0).auth()).isPresent();
        assertThat(task.routes().get(2).dlp()).isEqualTo(new DlpPolicy(DlpPolicy.Action.WARN, true));
        assertThat(task.routes().get(3).tlsPassthrough()).isTrue();
    }

    @Test
    void repoAgentIsLoadedAndResolvesToItsBottle() {
        Manifest m = loader().loadStrict();
        AgentDef docs = m.agent("docs-writer").orElseThrow();

        ResolvedBottle r = m.bottleFor(docs);

        assertThat(docs.file().toString()).contains(".bot-bottle/agents");
        assertThat(r.bottle().name()).isEqualTo("task");
        assertThat(r.identity().render()).isEqualTo("Task Bot (bottle) <task-bot@example.com> (bottle)");
        assertThat(r.skills()).containsExactly("code-review", "release-notes");
    }

    @Test
    void agentIdentityOverlaysTheBottlePerField() {
        Manifest m = loader().loadStrict();

        assertThat(m.bottleFor(m.agent("reviewer").orElseThrow()).identity().render())
                .isEqualTo("Review Bot (agent) <task-bot@example.com> (bottle)");
        assertThat(m.bottleFor(m.agent("fixer").orElseThrow()).identity().render())
                .isEqualTo("Task Bot (bottle) <fixer@example.com> (agent)");
        assertThat(m.bottleFor(m.agent("codex-helper").orElseThrow()).identity().render()).isEqualTo("(none)");
        assertThat(m.agent("reviewer").orElseThrow().prompt()).startsWith("You review pull requests")
                .endsWith("Never push to main.");
        assertThat(m.bottle("codex").orElseThrow().effectiveAgentProvider().settings())
                .containsEntry("forward_host_credentials", "true");
        assertThat(m.bottle("claude").orElseThrow().gitUser()).isEqualTo(Optional.empty());
    }
}
