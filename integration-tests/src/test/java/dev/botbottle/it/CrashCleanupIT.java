package dev.botbottle.it;

import dev.botbottle.backend.docker.internal.Names;
import dev.botbottle.core.runtime.BottleListener;
import dev.botbottle.core.runtime.BottleRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A host JVM killed with SIGKILL, mid-launch and mid-run, on the real Docker engine: its bottle's container, network,
 * host firewall chain and state are removed by the watchdog it started, or, without one, by the next runtime that
 * starts; a preserved bottle survives both.
 */
class CrashCleanupIT {

    @TempDir
    Path home;
    @TempDir
    Path logs;

    private final List<Process> hosts = new ArrayList<>();
    private final List<String> slugs = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        Docker.assumeEngine();
        Manifests.write(home, "bottles/plain.md", """
                ---
                image: %s
                agent_provider: {template: shell}
                ---
                """.formatted(Docker.BASE_IMAGE));
        Manifests.write(home, "agents/worker.md", "---\nbottle: plain\n---\nWork.\n");
    }

    @AfterEach
    void removeLeftovers() {
        hosts.forEach(Process::destroyForcibly);
        try (BottleRuntime runtime = BottleRuntime.builder().home(home).watchdog(false).build()) {
            for (String slug : slugs) {
                try {
                    runtime.teardown(slug);
                } catch (RuntimeException ignored) {
                    // the test removed it, as it should have
                }
            }
        }
    }

    /** Starts a host JVM and reads its stdout until it says {@code word}. */
    private Process host(String mode, boolean watchdog, String slug, String word) throws IOException {
        slugs.add(slug);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                CrashingHost.class.getName(), home.toString(), mode, Boolean.toString(watchdog), slug)
                .redirectError(logs.resolve(slug + ".log").toFile()).start();
        hosts.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.equals(word + " " + slug)) {
                return p;
            }
        }
        throw new AssertionError("the host JVM ended before saying " + word + ": "
                + Files.readString(logs.resolve(slug + ".log")));
    }

    /** Kills the host with SIGKILL and waits until it is gone. */
    private static void sigkill(Process host) throws Exception {
        host.toHandle().destroyForcibly(); // SIGKILL on Linux: no shutdown hook, nothing closed
        host.onExit().get(1, TimeUnit.MINUTES);
    }

    private static Optional<ProcessHandle> watchdogOf(Process host) {
        String marker = "-Dbot-bottle.watchdog=" + host.pid();
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(marker))
                .findFirst();
    }

    private boolean chainExists(String slug) {
        return Docker.run("iptables", "-w", "-S", Names.chain(slug)).exitCode() == 0;
    }

    private void assertNothingLeft(String slug) {
        assertThat(Docker.containers(slug)).as("containers of " + slug).isEmpty();
        assertThat(Docker.networks(slug)).as("networks of " + slug).isEmpty();
        assertThat(chainExists(slug)).as("firewall chain of " + slug).isFalse();
        assertThat(home.resolve("state").resolve(slug)).as("state of " + slug).doesNotExist();
    }

    @Test
    void aHostKilledWhileItsBottleRunsLeavesNothingOnceItsWatchdogIsDone() throws Exception {
        Process host = host("run", true, "crash-run", "READY");
        ProcessHandle watchdog = watchdogOf(host).orElseThrow(() -> new AssertionError("no watchdog process"));
        assertThat(Docker.bottleContainers("crash-run")).hasSize(1); // control: the bottle is there
        assertThat(chainExists("crash-run")).isTrue();
        assertThat(Docker.run("docker", "inspect", "-f", "{{index .Config.Labels \"dev.botbottle.session\"}}",
                "bb-crash-run").out().strip()).startsWith(host.pid() + "@");

        sigkill(host);
        watchdog.onExit().get(3, TimeUnit.MINUTES);
        assertNothingLeft("crash-run");
    }

    @Test
    void aHostKilledMidLaunchLeavesNothingOnceItsWatchdogIsDone() throws Exception {
        Process host = host("launch", true, "crash-mid", "MID");
        ProcessHandle watchdog = watchdogOf(host).orElseThrow(() -> new AssertionError("no watchdog process"));
        // control: the container exists (the Docker backend creates and starts it in one `docker run`), the launch
        // is not finished: not provisioned, still "creating" in the state
        assertThat(Docker.run("docker", "inspect", "-f", "{{.State.Status}}", "bb-crash-mid").out().strip())
                .isIn("created", "running");
        assertThat(Files.readString(home.resolve("state/crash-mid/metadata.json"))).contains("\"creating\"");

        sigkill(host);
        watchdog.onExit().get(3, TimeUnit.MINUTES);
        assertNothingLeft("crash-mid");
    }

    @Test
    void withoutAWatchdogTheNextRuntimeThatStartsRemovesWhatAKilledHostLeft() throws Exception {
        Process host = host("run", false, "crash-next", "READY");
        assertThat(watchdogOf(host)).isEmpty();
        sigkill(host);
        assertThat(Docker.bottleContainers("crash-next")).hasSize(1); // nothing removed it yet

        List<String> reaped = new CopyOnWriteArrayList<>();
        BottleListener listener = new BottleListener() {
            @Override
            public void reaped(String slug, String why) {
                reaped.add(slug);
            }
        };
        try (BottleRuntime next = BottleRuntime.builder().home(home).watchdog(false).listener(listener).build()) {
            assertThat(reaped).containsExactly("crash-next");
            assertThat(next.status("crash-next")).isEmpty();
        }
        assertNothingLeft("crash-next");
    }

    @Test
    void aPreservedBottleSurvivesItsHostsDeath() throws Exception {
        Process host = host("stopped", true, "crash-kept", "STOPPED");
        ProcessHandle watchdog = watchdogOf(host).orElseThrow(() -> new AssertionError("no watchdog process"));
        sigkill(host);
        watchdog.onExit().get(3, TimeUnit.MINUTES);
        try (BottleRuntime next = BottleRuntime.builder().home(home).watchdog(false).build()) {
            assertThat(Docker.bottleContainers("crash-kept")).hasSize(1);
            assertThat(next.status("crash-kept").orElseThrow().status()).isEqualTo("stopped");
            assertThat(next.status("crash-kept").orElseThrow().preserved()).isTrue();
            next.teardown("crash-kept");
        }
        assertNothingLeft("crash-kept");
    }
}
