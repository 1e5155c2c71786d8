package dev.botbottle.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Docker daemon restart under a detached bottle: the container exits while its background process keeps the
 * gateways; {@code ps} and {@code info} say so; {@code resume --detach} replaces that process instead of starting a
 * second one; {@code rm} then leaves no process, container, network, firewall chain or state.
 *
 * <p>Restarting the daemon stops every container on this host, so the test runs only when asked:
 * {@code BOT_BOTTLE_IT_RESTART_DOCKERD=1} (CI on a machine of its own sets it; a shared machine should run it alone).
 * It restarts the daemon the way it was started (systemd's unit, or the same command line in the background) and
 * makes sure, whatever happens, that it answers again before it ends.
 */
class DockerRestartIT {

    static final String OPT_IN = "BOT_BOTTLE_IT_RESTART_DOCKERD";

    @TempDir
    Path home;

    private Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        boolean asked = "1".equals(System.getenv(OPT_IN));
        if (!asked) {
            System.out.println("SKIPPED: DockerRestartIT restarts the Docker daemon, which stops every container on"
                    + " this host; set " + OPT_IN + "=1 to run it (alone on a shared machine)");
        }
        Assumptions.assumeTrue(asked, OPT_IN + " is not 1");
        Assumptions.assumeTrue(sh("docker", "image", "inspect", "bot-bottle/base:bookworm").exit() == 0,
                "needs a Docker engine and bot-bottle/base:bookworm");
        env = new HashMap<>(System.getenv());
        env.put("BOT_BOTTLE_HOME", home.toString());
        env.put("BOT_BOTTLE_BACKEND", "docker");
        Files.createDirectories(home.resolve("bottles"));
        Files.createDirectories(home.resolve("agents"));
        Files.writeString(home.resolve("bottles/plain.md"), "---\nimage: bot-bottle/base:bookworm\n"
                + "agent_provider: {template: shell}\n---\n");
        Files.writeString(home.resolve("agents/worker.md"), "---\nbottle: plain\n---\nWork.\n");
    }

    @AfterEach
    void daemonAnswersAgain() throws Exception {
        if (env != null) {
            Daemon.ensureRunning();
            CliRun.packaged(env, "rm", "cli-restart");
        }
    }

    @Test
    void aDaemonRestartThenResumeAndRmLeavesNoProcessAndNoObject() throws Exception {
        CliRun launched = CliRun.packaged(env, "launch", "worker", "--detach", "--label", "cli-restart");
        assertThat(launched.exitCode()).as(launched.err()).isZero();
        List<Long> before = CliLifecycleIT.holders("cli-restart");
        assertThat(before).hasSize(1);

        Daemon.restart();

        CliRun ps = CliRun.packaged(env, "ps");
        assertThat(ps.out()).contains("cli-restart").contains("exited")
                .contains("gateways up in process " + before.get(0));
        CliRun info = CliRun.packaged(env, "info", "cli-restart");
        assertThat(info.out()).contains("engine:    stopped").contains("recorded:  running");

        CliRun resumed = CliRun.packaged(env, "resume", "cli-restart", "--detach");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        List<Long> after = CliLifecycleIT.holders("cli-restart");
        assertThat(after).hasSize(1).doesNotContain(before.get(0));
        CliRun exec = CliRun.packaged(env, "exec", "cli-restart", "--", "sh", "-c",
                "curl -s -o /dev/null -w '%{http_code}' http://example.com/");
        assertThat(exec.out()).isEqualTo("403"); // the new process's gateway answers

        CliRun rm = CliRun.packaged(env, "rm", "cli-restart");
        assertThat(rm.exitCode()).as(rm.err()).isZero();
        assertThat(CliLifecycleIT.holders("cli-restart")).isEmpty();
        assertThat(sh("docker", "ps", "-aq", "--filter", "label=dev.botbottle.slug=cli-restart").out()).isBlank();
        assertThat(sh("docker", "network", "ls", "-q", "--filter", "label=dev.botbottle.slug=cli-restart").out())
                .isBlank();
        assertThat(sh("iptables", "-w", "-S", "INPUT").out()).doesNotContain("slug=cli-restart");
        assertThat(home.resolve("state/cli-restart")).doesNotExist();
    }

    /** Restarts the Docker daemon the way it runs, and makes sure it answers. */
    static final class Daemon {
        private static final Path LOG = Path.of("/var/log/dockerd-botbottle.log");

        static void restart() throws Exception {
            if (systemd()) {
                assertThat(sh("systemctl", "restart", "docker").exit()).isZero();
                awaitAnswer();
                return;
            }
            long pid = Long.parseLong(sh("pgrep", "-xo", "dockerd").out().strip());
            List<String> argv = commandLine(pid);
            ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
            daemon.destroy(); // SIGTERM: containers stop, as on a host's daemon restart
            daemon.onExit().get(3, TimeUnit.MINUTES);
            start(argv);
            awaitAnswer();
        }

        static void ensureRunning() throws Exception {
            if (sh("docker", "info").exit() == 0) {
                return;
            }
            if (systemd()) {
                sh("systemctl", "start", "docker");
            } else if (sh("pgrep", "-x", "dockerd").exit() != 0) {
                start(List.of("dockerd"));
            }
            awaitAnswer();
        }

        private static boolean systemd() {
            return Files.isDirectory(Path.of("/run/systemd/system")) && sh("systemctl", "is-active", "docker").exit() == 0;
        }

        private static List<String> commandLine(long pid) throws IOException {
            String raw = Files.readString(Path.of("/proc/" + pid + "/cmdline"), StandardCharsets.UTF_8);
            List<String> argv = new ArrayList<>(List.of(raw.split("\0")));
            argv.removeIf(String::isEmpty);
            return argv;
        }

        /** In its own session, detached from this JVM, logging where scripts/ensure-docker.sh logs. */
        private static void start(List<String> argv) throws IOException {
            List<String> cmd = new ArrayList<>(List.of("setsid", "-f"));
            cmd.addAll(argv);
            new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(LOG.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        }

        /** Waits (up to two minutes) until {@code docker info} answers: the daemon's own readiness, polled. */
        private static void awaitAnswer() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (System.nanoTime() < deadline) {
                if (sh("docker", "info").exit() == 0) {
                    return;
                }
                Thread.sleep(250);
            }
            throw new AssertionError("the Docker daemon does not answer two minutes after its restart; see " + LOG);
        }
    }

    record Sh(int exit, String out) {
    }

    static Sh sh(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Sh(p.waitFor(), out);
        } catch (IOException e) {
            return new Sh(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Sh(-1, "interrupted");
        }
    }
}
