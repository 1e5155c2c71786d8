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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI end to end on the real Docker engine, run as users run it: the packaged launcher ({@code ./bottle}, the jar
 * and {@code target/lib}) as a child process, so a class path the build got wrong fails here.
 */
class CliLifecycleIT {

    @TempDir
    Path home;

    private Map<String, String> env;
    private final List<String> slugs = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        Assumptions.assumeTrue(sh("docker", "image", "inspect", "bot-bottle/base:bookworm") == 0,
                "needs a Docker engine and bot-bottle/base:bookworm (scripts/ensure-docker.sh, scripts/build-base-image.sh)");
        env = new HashMap<>(System.getenv());
        env.put("BOT_BOTTLE_HOME", home.toString());
        env.put("BOT_BOTTLE_BACKEND", "docker");
        env.put("FROM_HOST", "copied from the host");
        env.put("BOT_BOTTLE_PROMPT_ASKED", "typed at launch");
        write("bottles/plain.md", """
                ---
                image: bot-bottle/base:bookworm
                agent_provider: {template: shell}
                env:
                  LITERAL: plain value
                  COPIED: "${FROM_HOST}"
                  ASKED: "?type something"
                ---
                """);
        write("agents/worker.md", "---\nbottle: plain\n---\nWork hard.\n");
    }

    @AfterEach
    void removeLeftovers() {
        for (String slug : slugs) {
            CliRun.packaged(env, "rm", slug);
        }
    }

    @Test
    void everyReadOnlyCommandRunsFromThePackagedLauncher() {
        CliRun validate = CliRun.packaged(env, "validate");
        assertThat(validate.exitCode()).as(validate.err()).isZero();
        assertThat(validate.out()).startsWith("ok: 1 bottle(s), 1 agent(s)");

        assertThat(CliRun.packaged(env, "list").out()).contains("plain").contains("worker");

        CliRun plan = CliRun.packaged(env, "plan", "worker");
        assertThat(plan.exitCode()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("agent 'worker' in bottle 'plain'").contains("provider:      shell");
        assertThat(plan.err()).doesNotContain("Exception");

        CliRun json = CliRun.packaged(env, "plan", "worker", "--format", "json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(json.out()).contains("\"agent\" : \"worker\"");

        CliRun info = CliRun.packaged(env, "info", "worker");
        assertThat(info.exitCode()).as(info.err()).isZero();
        assertThat(info.out()).contains("bottle:  plain").contains("prompt:  1 line(s)");

        CliRun doctor = CliRun.packaged(env, "doctor");
        assertThat(doctor.exitCode()).as(doctor.out() + doctor.err()).isZero();
        assertThat(doctor.out()).contains("docker engine").contains("host firewall").contains("agent provider shell")
                .contains("ok: the default bottle can launch on docker");

        CliRun dry = CliRun.packaged(env, "launch", "worker", "--dry-run");
        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("agent 'worker' in bottle 'plain'");
        // the engine is shared with other tests: what matters is that the dry run made no bottle of this home
        assertThat(CliRun.packaged(env, "ps").out()).doesNotContainPattern("\\sworker\\s");
    }

    @Test
    void detachExecStopResumeRm() {
        CliRun launched = CliRun.packaged(env, "launch", "worker", "--detach", "--label", "cli-it-one");
        slugs.add("cli-it-one");
        assertThat(launched.exitCode()).as(launched.err()).isZero();
        assertThat(launched.out().strip()).isEqualTo("cli-it-one");

        CliRun exec = CliRun.packaged(env, "exec", "cli-it-one", "--", "sh", "-c", "echo $LITERAL/$COPIED; id -un; cat PROMPT.md");
        assertThat(exec.exitCode()).as(exec.err()).isZero();
        assertThat(exec.out()).isEqualTo("plain value/copied from the host\nagent\nWork hard.");

        assertThat(CliRun.packaged(env, "exec", "cli-it-one", "--", "sh", "-c", "exit 7").exitCode()).isEqualTo(7);

        // the supervise bearer reaches execs from another process (Codex reads it from this variable), not a file
        CliRun bearer = CliRun.packaged(env, "exec", "cli-it-one", "--", "sh", "-c",
                "test -n \"$BOT_BOTTLE_SUPERVISE_TOKEN\" && echo set; grep -rlsF \"$BOT_BOTTLE_SUPERVISE_TOKEN\" /home /tmp || true");
        assertThat(bearer.out()).isEqualTo("set\n");

        // the detached holder keeps the egress gateway alive: a denied host gets the gateway's 403
        CliRun denied = CliRun.packaged(env, "exec", "cli-it-one", "--", "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "http://example.com/");
        assertThat(denied.out()).isEqualTo("403");

        assertThat(CliRun.packaged(env, "ps").out()).containsPattern("cli-it-one\\s+worker\\s+docker\\s+running");

        CliRun stop = CliRun.packaged(env, "stop", "cli-it-one");
        assertThat(stop.exitCode()).as(stop.err()).isZero();
        assertThat(CliRun.packaged(env, "ps").out()).containsPattern("cli-it-one\\s+worker\\s+docker\\s+stopped \\(kept\\)");

        CliRun resumed = CliRun.packaged(env, "resume", "cli-it-one", "--detach");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        CliRun again = CliRun.packaged(env, "exec", "cli-it-one", "--", "sh", "-c", "cat PROMPT.md; curl -s -o /dev/null -w ' %{http_code}' http://example.com/");
        assertThat(again.out()).isEqualTo("Work hard. 403");

        CliRun rm = CliRun.packaged(env, "rm", "cli-it-one");
        assertThat(rm.exitCode()).as(rm.err()).isZero();
        assertThat(CliRun.packaged(env, "ps").out()).doesNotContain("cli-it-one");
        assertThat(docker("ps", "-aq", "--filter", "label=dev.botbottle.slug=cli-it-one")).isEmpty();
        assertThat(docker("network", "ls", "-q", "--filter", "label=dev.botbottle.slug=cli-it-one")).isEmpty();
    }

    @Test
    void aKilledBackgroundProcessTakesItsBottleWithItAndLeavesNoProcess() throws Exception {
        CliRun launched = CliRun.packaged(env, "launch", "worker", "--detach", "--label", "cli-it-killed");
        slugs.add("cli-it-killed");
        assertThat(launched.exitCode()).as(launched.err()).isZero();
        long holder = holderPid("cli-it-killed");
        ProcessHandle watchdog = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains("-Dbot-bottle.watchdog=" + holder))
                .findFirst().orElseThrow(() -> new AssertionError("the background process has no watchdog"));
        assertThat(CliRun.packaged(env, "ps").out()).containsPattern("cli-it-killed\\s+worker\\s+docker\\s+running");

        ProcessHandle.of(holder).orElseThrow().destroyForcibly(); // SIGKILL: no shutdown hook runs
        watchdog.onExit().get(3, java.util.concurrent.TimeUnit.MINUTES);
        assertThat(CliRun.packaged(env, "ps").out()).doesNotContain("cli-it-killed");
        assertThat(docker("ps", "-aq", "--filter", "label=dev.botbottle.slug=cli-it-killed")).isEmpty();
        assertThat(docker("network", "ls", "-q", "--filter", "label=dev.botbottle.slug=cli-it-killed")).isEmpty();
        assertThat(home.resolve("state/cli-it-killed")).doesNotExist();
    }

    @Test
    void resumingABottleThatRunsStartsNoSecondBackgroundProcess() {
        assertThat(CliRun.packaged(env, "launch", "worker", "--detach", "--label", "cli-it-once").exitCode()).isZero();
        slugs.add("cli-it-once");
        long holder = holderPid("cli-it-once");
        CliRun again = CliRun.packaged(env, "resume", "cli-it-once", "--detach");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.err()).contains("already running; process " + holder + " holds its gateways");
        assertThat(holders("cli-it-once")).containsExactly(holder);

        CliRun info = CliRun.packaged(env, "info", "cli-it-once");
        assertThat(info.out()).contains("status:    running").contains("engine:    running")
                .contains("gateways:  up in process " + holder);
        CliRun rm = CliRun.packaged(env, "rm", "cli-it-once");
        assertThat(rm.exitCode()).as(rm.err()).isZero();
        assertThat(ProcessHandle.of(holder).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(holders("cli-it-once")).isEmpty();
    }

    private long holderPid(String slug) {
        try {
            String json = Files.readString(home.resolve("state").resolve(slug).resolve("metadata.json"));
            var m = java.util.regex.Pattern.compile("\"pid\"\\s*:\\s*(\\d+)").matcher(json);
            assertThat(m.find()).as(json).isTrue();
            return Long.parseLong(m.group(1));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** @return the background (holder) processes of a bottle, by their command line */
    static List<Long> holders(String slug) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("")
                .contains(Session.HOLDER_MARKER + slug)).map(ProcessHandle::pid).toList();
    }

    @Test
    void aWarmPoolFromThePackagedLauncherServesAHeadlessLaunchBoundToItsTaskAndStopsCleanly() {
        CliRun started = CliRun.packaged(env, "pool", "start", "worker", "--size", "1");
        assertThat(started.exitCode()).as(started.err()).isZero();
        try {
            assertThat(started.err()).contains("warm pool of worker is full (1 bottles)");
            assertThat(CliRun.packaged(env, "pool", "ls").out()).containsPattern("worker\\s+1\\s+1\\s+\\d+");
            CliRun again = CliRun.packaged(env, "pool", "start", "worker");
            assertThat(again.exitCode()).isEqualTo(Main.PROBLEM);
            assertThat(again.err()).contains("already runs");
            java.util.regex.Matcher pooled = java.util.regex.Pattern.compile("(worker-[a-z0-9]+)\\s+worker\\s+docker\\s+pooled")
                    .matcher(CliRun.packaged(env, "ps").out());
            assertThat(pooled.find()).as("ps shows the pooled bottle").isTrue();
            String slug = pooled.group(1);
            slugs.add(slug);

            // the env value asked at launch and the prompt belong to the task: bound in the launching process
            CliRun run = CliRun.packaged(env, "launch", "worker", "--headless", "--yes", "--prompt",
                    "echo $ASKED; cat PROMPT.md");
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.err()).contains("claimed " + slug + " from the warm pool of worker");
            assertThat(run.out()).isEqualTo("typed at launch\nWork hard.");
            assertThat(docker("ps", "-aq", "--filter", "label=dev.botbottle.slug=" + slug)).isEmpty();
        } finally {
            CliRun stop = CliRun.packaged(env, "pool", "stop", "worker");
            assertThat(stop.exitCode()).as(stop.err()).isZero();
        }
        assertThat(CliRun.packaged(env, "pool", "ls").out()).isEqualTo("no warm pools\n");
        assertThat(CliRun.packaged(env, "ps").out()).doesNotContain("pooled");
        assertThat(CliRun.packaged(env, "pool", "stop", "worker").err()).contains("no warm pool of worker runs");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "BOT_BOTTLE_GATEWAY_MODE={0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "process   | a gateway program of its own on this host",
            "container | (docker.gateway=container)"})
    void withTheGatewayOutOfTheCliTheHeadlessLaunchIsServedByAGatewayProgram(String mode, String described) {
        // the process mode by its variable, the container mode by the global option
        Map<String, String> outOfProcess = new HashMap<>(env);
        List<String> global = new ArrayList<>();
        if (mode.equals("process")) {
            outOfProcess.put("BOT_BOTTLE_GATEWAY_MODE", mode);
        } else {
            global.addAll(List.of("--backend-option", "docker.gateway=" + mode));
        }
        assertThat(CliRun.packaged(outOfProcess, concat(global, "plan", "worker")).out()).contains(described);
        assertThat(CliRun.packaged(outOfProcess, concat(global, "doctor")).out()).contains("gateway mode: " + mode);
        String label = "cli-it-" + mode;
        CliRun run = CliRun.packaged(outOfProcess, concat(global, "launch", "worker", "--headless", "--label", label,
                "--prompt", "echo $ASKED; curl -s -o /dev/null -w '%{http_code}' http://example.com/"));
        slugs.add(label);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).as("the program's egress gateway refuses an undeclared host").isEqualTo("typed at launch\n403");
        assertThat(run.err()).as("the launch used the gateway program").contains("in a gateway program on");
        assertThat(home.resolve("state/" + label)).doesNotExist();
        assertThat(docker("ps", "-aq", "--filter", "label=dev.botbottle.slug=" + label)).isEmpty();
    }

    private static String[] concat(List<String> first, String... rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    @Test
    void headlessRunsThePromptAndRemovesTheBottle() {
        CliRun run = CliRun.packaged(env, "launch", "worker", "--headless", "--label", "cli-it-two", "--prompt",
                "echo $ASKED; git --version >/dev/null && echo ok");
        slugs.add("cli-it-two");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("typed at launch\nok\n");
        assertThat(run.err()).contains("[provision]");
        assertThat(docker("ps", "-aq", "--filter", "label=dev.botbottle.slug=cli-it-two")).isEmpty();
        assertThat(home.resolve("state/cli-it-two")).doesNotExist();
    }

    @Test
    void aFailedHeadlessRunKeepsTheBottleStoppedForResume() {
        CliRun run = CliRun.packaged(env, "launch", "worker", "--headless", "--label", "cli-it-three", "--prompt", "exit 3");
        slugs.add("cli-it-three");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("bottle resume cli-it-three");
        assertThat(CliRun.packaged(env, "ps").out()).containsPattern("cli-it-three\\s+worker\\s+docker\\s+stopped \\(kept\\)");
    }

    @Test
    void cleanupRemovesEveryBottle() {
        assertThat(CliRun.packaged(env, "launch", "worker", "--detach", "--label", "cli-it-four").exitCode()).isZero();
        slugs.add("cli-it-four");
        CliRun refused = CliRun.packaged(env, "cleanup");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("cli-it-four").contains("use --yes");
        CliRun cleanup = CliRun.packaged(env, "cleanup", "--yes");
        assertThat(cleanup.exitCode()).as(cleanup.err()).isZero();
        assertThat(cleanup.err()).contains("removed cli-it-four");
        assertThat(docker("ps", "-aq", "--filter", "label=dev.botbottle.slug=cli-it-four")).isEmpty();
        assertThat(home.resolve("state/cli-it-four")).doesNotExist();
    }

    @Test
    void execOnAnUnknownBottleIsOneMessage() {
        CliRun r = CliRun.packaged(env, "exec", "no-such-bottle", "--", "true");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("bottle: no bottle 'no-such-bottle'").doesNotContain("\tat ");
    }

    private String docker(String... args) {
        List<String> argv = new ArrayList<>(List.of("docker"));
        argv.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return out;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static int sh(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private void write(String relative, String text) throws IOException {
        Path file = home.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
