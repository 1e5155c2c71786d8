package dev.botbottle.testkit.tck;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.HostCommand;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Exec: exit codes are results (1 included: engines that exit 1 for their own errors must tell the two apart),
 * failures to run are exceptions, and env, user, working directory, stdin, time-out and large output all behave.
 *
 * @since 0.1
 */
public abstract class ExecContract {

    private static final Duration SHORT = Duration.ofSeconds(60);

    /** What the tests share. */
    protected final TckFixture tck;

    /** @param fixture what the tests share */
    protected ExecContract(TckFixture fixture) {
        this.tck = fixture;
    }

    private Bottle bottle() {
        return tck.shared().bottle();
    }

    private ExecResult sh(String script) {
        return bottle().exec(ExecRequest.of("sh", "-c", script).withTimeout(SHORT));
    }

    @Test
    void everyExitCodeIsAResultIncludingOne() {
        for (int code : new int[] {0, 1, 2, 3, 42, 124, 125, 126, 127, 255}) {
            assertEquals(code, sh("exit " + code).exitCode(), "exit " + code);
        }
    }

    @Test
    void stdoutAndStderrArriveSeparately() {
        ExecResult r = sh("echo out; echo oops >&2; exit 1");
        assertEquals(1, r.exitCode());
        assertEquals("out\n", r.stdoutText());
        assertEquals("oops\n", r.stderrText());
    }

    @Test
    void outputThatLooksLikeAnEngineErrorIsStillTheCommandsOwn() {
        ExecResult r = sh("echo 'Error: machine not found' >&2; echo 'Error response from daemon: x' >&2; exit 1");
        assertEquals(1, r.exitCode());
        assertEquals("Error: machine not found\nError response from daemon: x\n", r.stderrText());
    }

    @Test
    void aProgramThatDoesNotExistIsAnError() {
        BackendException e = assertThrows(BackendException.class,
                () -> bottle().exec(ExecRequest.of("no-such-program-tck").withTimeout(SHORT)));
        assertTrue(e.getMessage().contains("no-such-program-tck"), e.getMessage());
    }

    @Test
    void envValuesArriveExactlyAndWinOverTheBottlesOwn() {
        String awkward = "s3cret with spaces, 'quotes', \"double\", $dollar, `tick`, back\\slash, a=b, ünïcode\nline two";
        ExecResult r = bottle().exec(ExecRequest.of("sh", "-c", "printf '%s|%s' \"$TOKEN\" \"$BOTTLE_KIND\"")
                .withEnv(Map.of("TOKEN", awkward, "BOTTLE_KIND", "from the exec")).withTimeout(SHORT));
        assertEquals(0, r.exitCode(), r.stderrText());
        assertEquals(awkward + "|from the exec", r.stdoutText());
        assertEquals("tck", sh("printf %s \"$BOTTLE_KIND\"").stdoutText(), "an exec's env must not stick");
    }

    @Test
    void envValuesNeverAppearOnAHostCommandLine() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc to read host command lines");
        String secret = "tck-secret-" + UUID.randomUUID();
        String id = UUID.randomUUID().toString();
        CompletableFuture<ExecResult> running = CompletableFuture.supplyAsync(() -> bottle().exec(
                ExecRequest.of("sh", "-c", "touch /tmp/started-$0; while [ ! -e /tmp/go-$0 ]; do sleep 0.1; done", id)
                        .withEnv(Map.of("TCK_SECRET", secret)).withTimeout(Duration.ofMinutes(2))));
        try {
            Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
            while (sh("test -e /tmp/started-" + id).exitCode() != 0) {
                if (running.isDone() || Instant.now().isAfter(deadline)) {
                    fail("the command never started: " + (running.isDone() ? running.get() : "still waiting"));
                }
            }
            assertFalse(hostCommandLinesContain(secret), "an exec env value is on a host process's command line");
        } finally {
            sh("touch /tmp/go-" + id);
        }
        assertEquals(0, running.get().exitCode());
    }

    private static boolean hostCommandLinesContain(String needle) throws IOException {
        byte[] wanted = needle.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                byte[] cmdline;
                try {
                    cmdline = Files.readAllBytes(p.resolve("cmdline"));
                } catch (IOException gone) {
                    continue;
                }
                if (indexOf(cmdline, wanted) >= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void commandsRunAsTheImagesNonRootUserInItsHome() {
        Bottle b = bottle();
        assertNotEquals("root", b.agentUser(), "the image has a uid 1000 user; the agent must not be root");
        ExecResult r = sh("id -u; pwd; printf %s \"$HOME\"");
        assertEquals("1000\n" + b.agentHome() + "\n" + b.agentHome(), r.stdoutText(), r.stderrText());
        assertEquals(b.agentUser() + "\n", bottle().exec(ExecRequest.of("id", "-un").withTimeout(SHORT)).stdoutText());
    }

    @Test
    void anotherUserCanBeChosenByNameOrId() {
        ExecResult byName = bottle().exec(ExecRequest.of("sh", "-c", "id -u; printf %s \"$HOME\"").asUser("root")
                .withTimeout(SHORT));
        assertEquals("0\n/root", byName.stdoutText(), byName.stderrText());
        assertEquals("0\n", bottle().exec(ExecRequest.of("id", "-u").asUser("0").withTimeout(SHORT)).stdoutText());
        assertEquals("1000\n", bottle().exec(ExecRequest.of("id", "-u").asUser("1000").withTimeout(SHORT))
                .stdoutText());
    }

    @Test
    void aWorkingDirectoryCanBeChosen() {
        assertEquals("/tmp\n", bottle().exec(ExecRequest.of("pwd").inDirectory("/tmp").withTimeout(SHORT))
                .stdoutText());
        assertEquals("/\n", bottle().exec(ExecRequest.of("pwd").inDirectory("/").asUser("root").withTimeout(SHORT))
                .stdoutText());
    }

    @Test
    void stdinIsFedWholeAndClosed() throws NoSuchAlgorithmException {
        assertEquals("from stdin\n", bottle().exec(ExecRequest.of("cat")
                .withStdin("from stdin\n".getBytes(StandardCharsets.UTF_8)).withTimeout(SHORT)).stdoutText());
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(7).nextBytes(big);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(big));
        ExecResult r = bottle().exec(ExecRequest.of("sh", "-c", "sha256sum | cut -d' ' -f1").withStdin(big)
                .withTimeout(SHORT));
        assertEquals(expected + "\n", r.stdoutText(), r.stderrText());
    }

    @Test
    void withoutStdinTheCommandSeesEndOfInput() {
        ExecResult r = bottle().exec(ExecRequest.of("cat").withTimeout(SHORT));
        assertEquals(0, r.exitCode(), r.stderrText());
        assertEquals("", r.stdoutText());
    }

    @Test
    void aTimedOutCommandFailsAndIsKilledInsideTheBottle() {
        BackendException e = assertThrows(BackendException.class,
                () -> bottle().exec(ExecRequest.of("sleep", "3141").withTimeout(Duration.ofSeconds(3))));
        assertTrue(e.getMessage().contains("sleep"), e.getMessage());
        ExecResult left = bottle().exec(ExecRequest.of("sh", "-c",
                "for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < \"$f\" 2>/dev/null; echo; done").asUser("root")
                .withTimeout(SHORT));
        assertFalse(left.stdoutText().contains("sleep 3141"), "the timed-out command still runs:\n" + left.stdoutText());
    }

    @Test
    void outputLargerThanAPipeBufferArrivesWholeOnBothStreams() {
        ExecResult r = sh("head -c 300000 /dev/zero | tr '\\0' e >&2; head -c 2097152 /dev/zero | tr '\\0' o");
        assertEquals(0, r.exitCode());
        assertEquals(2097152, r.stdout().length);
        assertEquals(300000, r.stderr().length);
        assertTrue(r.stdoutText().chars().allMatch(c -> c == 'o'));
        assertTrue(r.stderrText().chars().allMatch(c -> c == 'e'));
    }

    @Test
    void streamDeliversBothStreamsAndTheExitCode() {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int exit = bottle().stream(ExecRequest.of("sh", "-c", "echo out; echo err >&2; exit 3").withTimeout(SHORT),
                out, err);
        assertEquals(3, exit);
        assertEquals("out\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("err\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void streamOfExitOneIsTheCommandsResult() {
        var err = new ByteArrayOutputStream();
        assertEquals(1, bottle().stream(ExecRequest.of("sh", "-c", "printf partial >&2; exit 1").withTimeout(SHORT),
                new ByteArrayOutputStream(), err));
        assertEquals("partial", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void attachCommandCarriesSecretsOnlyInItsEnvironment() {
        HostCommand command = bottle().attachCommand(ExecRequest.of("bash").withEnv(Map.of("TOKEN", "tck-s3cret")));
        assertFalse(command.argv().isEmpty());
        assertTrue(command.argv().stream().noneMatch(a -> a.contains("tck-s3cret")), command.argv().toString());
        assertTrue(command.environment().containsValue("tck-s3cret"), "the value must travel in the environment");
    }
}
