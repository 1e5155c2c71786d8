package dev.botbottle.backend.docker.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;

/**
 * Runs host processes. The production implementation is {@link ExecCommandRunner}; unit tests use a recording
 * double.
 */
public interface CommandRunner {

    /**
     * Runs a process to completion, streaming its output.
     *
     * @param command what to run
     * @param stdout receives standard output
     * @param stderr receives standard error
     * @return the exit code and whether the timeout killed it (the output arrays are empty)
     * @throws dev.botbottle.spi.BackendException when the process could not be started
     */
    CommandResult execute(Command command, OutputStream stdout, OutputStream stderr);

    /**
     * Runs a process to completion and collects its output.
     *
     * @param command what to run
     * @return exit code and output
     * @throws dev.botbottle.spi.BackendException when the process could not be started
     */
    default CommandResult run(Command command) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        CommandResult r = execute(command, out, err);
        return new CommandResult(r.exitCode(), out.toByteArray(), err.toByteArray(), r.timedOut());
    }
}
