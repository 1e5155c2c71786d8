package dev.botbottle.backend.docker.internal;

import java.nio.charset.StandardCharsets;

/**
 * What a host process returned.
 *
 * @param exitCode its exit code (meaningless when {@code timedOut})
 * @param stdout its standard output (empty when it was streamed elsewhere)
 * @param stderr its standard error (empty when it was streamed elsewhere)
 * @param timedOut whether the timeout killed it
 */
public record CommandResult(int exitCode, byte[] stdout, byte[] stderr, boolean timedOut) {

    public CommandResult {
        stdout = stdout.clone();
        stderr = stderr.clone();
    }

    /** @return a successful result with the given standard output (for doubles) */
    static CommandResult ok(String stdout) {
        return new CommandResult(0, stdout.getBytes(StandardCharsets.UTF_8), new byte[0], false);
    }

    /** @return a failed result with the given standard error (for doubles) */
    static CommandResult failed(int exitCode, String stderr) {
        return new CommandResult(exitCode, new byte[0], stderr.getBytes(StandardCharsets.UTF_8), false);
    }

    @Override
    public byte[] stdout() {
        return stdout.clone();
    }

    @Override
    public byte[] stderr() {
        return stderr.clone();
    }

    /** @return standard output as UTF-8 */
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /** @return standard error as UTF-8, trimmed */
    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8).trim();
    }

    /** @return whether the process exited 0 in time */
    public boolean succeeded() {
        return !timedOut && exitCode == 0;
    }
}
