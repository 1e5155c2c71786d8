package dev.botbottle.examples.embedding;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedding example run as its user runs it: an agent headless on a repository, in a real Docker bottle. */
class RepoAgentIT {

    @TempDir
    Path manifests;

    @TempDir
    Path repo;

    @Test
    void runsTheAgentOnTheRepoAndSummarisesItsEgress() throws IOException {
        boolean docker = exitCode("docker", "image", "inspect", "bot-bottle/base:bookworm") == 0;
        if (!docker) {
            System.out.println("SKIPPED: RepoAgentIT needs a Docker engine and bot-bottle/base:bookworm");
        }
        Assumptions.assumeTrue(docker, "needs a Docker engine and bot-bottle/base:bookworm");
        Files.createDirectories(manifests.resolve("bottles"));
        Files.createDirectories(manifests.resolve("agents"));
        Files.writeString(manifests.resolve("bottles/plain.md"), "---\nimage: bot-bottle/base:bookworm\n"
                + "agent_provider: {template: shell}\nsupervise: false\n---\n");
        Files.writeString(manifests.resolve("agents/lister.md"), "---\nbottle: plain\n---\nList.\n");
        Files.writeString(repo.resolve("README.md"), "a repository\n");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // the shell template runs the prompt with bash -lc, in the workspace
        int exit = RepoAgent.run(new String[] {manifests.toString(), "lister", repo.toString(),
                "cat README.md; curl -s -o /dev/null -w 'status %{http_code}\\n' http://example.com/"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed + err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(printed).contains("a repository\n").contains("status 403\n").contains("--- agent exited with 0")
                .containsPattern("egress: DENY example.com x1\n");
    }

    @Test
    void badArgumentsGetTheUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = RepoAgent.run(new String[] {"only-one"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: RepoAgent MANIFEST_FOLDER AGENT REPO PROMPT");
    }

    private static int exitCode(String... argv) {
        try {
            Process p = new ProcessBuilder(List.of(argv)).redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
