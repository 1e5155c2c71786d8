package dev.botbottle.examples.suite;

import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.testkit.audit.EgressAssertions;
import dev.botbottle.testkit.junit.BottleTest;
import dev.botbottle.testkit.junit.Bottled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A project's test suite using bottles through {@link BottleTest}: one bottle shared by the class (the {@code static}
 * field) and one of its own for a test (the parameter), both from the manifest folder {@code src/test/bot-bottle},
 * both removed however the tests end.
 */
@BottleTest
@EnabledIf("docker")
class RepoInBottleIT {

    @Bottled(home = "src/test/bot-bottle", agent = "worker", workspace = "src/test/workspace")
    static RunningBottle shared;

    @Test
    void theWorkspaceIsInTheBottle() {
        ExecResult cat = shared.exec("cat", shared.agentHome() + "/workspace/NOTES.txt");
        assertThat(cat.exitCode()).as(cat.stderrText()).isZero();
        assertThat(cat.stdoutText()).isEqualTo("a file of the repository under test\n");
    }

    @Test
    void gitRunsAsTheAgentUser() {
        ExecResult whoami = shared.exec("sh", "-c", "whoami && git --version");
        assertThat(whoami.stdoutText()).startsWith(shared.agentUser() + "\n").contains("git version");
    }

    @Test
    void anUnlistedHostIsDeniedAndAudited(@Bottled(home = "src/test/bot-bottle", agent = "worker") RunningBottle own) {
        ExecResult curl = own.exec("sh", "-c", "curl -s -o /dev/null -w '%{http_code}' http://example.com/");
        assertThat(curl.stdoutText()).isEqualTo("403");
        EgressAssertions.assertThat(own).denied("example.com").neverAllowed("example.com");
        assertThat(own.slug()).isNotEqualTo(shared.slug()); // a bottle of its own
    }

    /** @return whether a Docker engine and the base image are here (the tests are skipped, saying so, otherwise) */
    static boolean docker() {
        boolean ok;
        try {
            Process p = new ProcessBuilder(List.of("docker", "image", "inspect", "bot-bottle/base:bookworm"))
                    .redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            ok = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            ok = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ok = false;
        }
        if (!ok) {
            System.out.println("SKIPPED: RepoInBottleIT needs a Docker engine and bot-bottle/base:bookworm");
        }
        return ok;
    }
}
