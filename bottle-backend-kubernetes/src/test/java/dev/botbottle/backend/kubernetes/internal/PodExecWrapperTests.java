package dev.botbottle.backend.kubernetes.internal;

import dev.botbottle.spi.ExecRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exec wrapper ({@link PodExec#WRAPPER}) and the attach script, run by this host's real {@code sh} exactly as
 * the container's {@code sh} runs them after the exec subresource started them: same command line, same stdin.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PodExecWrapperTests {

    record Run(int code, String stdout, String stderr) {
    }

    private static Run wrapped(ExecRequest request) throws Exception {
        byte[] in = request.stdin().orElse(null);
        byte[] header = PodExec.header(request, in == null ? -1 : in.length);
        ProcessBuilder pb = new ProcessBuilder(PodExec.command(request));
        pb.environment().put("HOME", System.getProperty("java.io.tmpdir"));
        Process p = pb.start();
        try (var stdin = p.getOutputStream()) {
            stdin.write(header);
            if (in != null) {
                stdin.write(in);
            }
            // the exec stream stays open: the wrapper must not wait for its end
            stdin.flush();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread e = new Thread(() -> copy(p.getErrorStream(), err));
            e.start();
            copy(p.getInputStream(), out);
            int code = p.waitFor();
            e.join();
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    private static void copy(java.io.InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void environmentValuesArriveExactlyWhateverTheyHold() throws Exception {
        String awkward = "s3cret with spaces, 'quotes', \"double\", $dollar, `tick`, back\\slash, a=b, ünïcode\n"
                + "line two\n\n";
        Run r = wrapped(ExecRequest.of("sh", "-c", "printf '%s|' \"$TOKEN\"").withEnv(Map.of("TOKEN", awkward)));
        assertThat(r.code()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo(awkward + "|");
    }

    @Test
    void theWorkingDirectoryAndTheInputAreThoseAskedForAndInputEnds(@TempDir Path dir) throws Exception {
        byte[] big = new byte[300_000];
        new java.util.Random(7).nextBytes(big);
        Run r = wrapped(ExecRequest.of("sh", "-c", "pwd; wc -c").inDirectory(dir.toString()).withStdin(big));
        assertThat(r.code()).as(r.stderr()).isZero();
        assertThat(r.stdout().lines().toList()).containsExactly(dir.toRealPath().toString(), "300000");
    }

    @Test
    void withoutInputTheCommandSeesEndOfInputAtOnce() throws Exception {
        Run r = wrapped(ExecRequest.of("cat"));
        assertThat(r.code()).isZero();
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void everyExitCodeIsTheCommandsAndAMissingProgramIsNamed() throws Exception {
        for (int code : new int[] {0, 1, 42, 126, 127, 255}) {
            assertThat(wrapped(ExecRequest.of("sh", "-c", "exit " + code)).code()).isEqualTo(code);
        }
        Run missing = wrapped(ExecRequest.of("no-such-program-k8s"));
        assertThat(missing.code()).isEqualTo(127);
        assertThat(missing.stderr()).contains(PodExec.MISSING + "no-such-program-k8s");
        assertThat(wrapped(ExecRequest.of("sh", "-c", "exit 127")).stderr()).doesNotContain(PodExec.MISSING);
    }

    @Test
    void theCommandLineCarriesNoEnvironmentValue() {
        List<String> command = PodExec.command(ExecRequest.of("env").withEnv(Map.of("TOKEN", "s3cret-value")));
        assertThat(command).noneMatch(a -> a.contains("s3cret-value"));
        assertThat(command.subList(command.size() - 1, command.size())).containsExactly("env");
    }

    @Test
    void theAttachScriptCarriesSecretsOnlyInItsEnvironmentAndTheBottleGetsThem(@TempDir Path dir) throws Exception {
        // a stand-in for kubectl: drops everything up to "--" and runs the rest here, with its stdin
        Path kubectl = dir.resolve("kubectl");
        Files.writeString(kubectl, "#!/bin/sh\nwhile [ \"$1\" != -- ]; do shift; done; shift\nexec \"$@\"\n");
        kubectl.toFile().setExecutable(true);
        // no API client: the attach command is kubectl's, and only names the Pod
        KubernetesBottle bottle = new KubernetesBottle("attach", "bottles", "agent", dir.toString(),
                new PodExec(null, "bottles", "attach", "bb-attach"), kubectl.toString());
        String secret = "s3cret 'with' \"quotes\"";

        var host = bottle.attachCommand(ExecRequest.of("sh", "-c", "printf '%s' \"$TOKEN\"; pwd")
                .withEnv(Map.of("TOKEN", secret)).inDirectory(dir.toString()));

        assertThat(host.argv()).noneMatch(a -> a.contains("s3cret"));
        assertThat(host.environment()).containsEntry("TOKEN", secret);
        ProcessBuilder pb = new ProcessBuilder(host.argv());
        pb.environment().putAll(host.environment());
        Process p = pb.redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).isEqualTo(secret + dir.toRealPath() + "\n");
    }
}
