package dev.botbottle.spi;

import java.nio.charset.StandardCharsets;

/**
 * What a command run in a bottle returned.
 *
 * @param exitCode the command's exit code
 * @param stdout everything it wrote to standard output
 * @param stderr everything it wrote to standard error
 * @since 0.1
 */
public record ExecResult(int exitCode, byte[] stdout, byte[] stderr) {

    public ExecResult {
        stdout = stdout.clone();
        stderr = stderr.clone();
    }

    /** @return standard output decoded as UTF-8 */
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /** @return standard error decoded as UTF-8 */
    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    /** @return whether the exit code is 0 */
    public boolean succeeded() {
        return exitCode == 0;
    }

    @Override
    public byte[] stdout() {
        return stdout.clone();
    }

    @Override
    public byte[] stderr() {
        return stderr.clone();
    }

    @Override
    public String toString() {
        return "ExecResult[exitCode=" + exitCode + ", stdout=" + stdout.length + " bytes, stderr=" + stderr.length + " bytes]";
    }
}
