package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.BackendException;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.exec.environment.EnvironmentUtils;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;

/** Runs host processes through Apache Commons Exec: argument arrays, never a shell. */
public final class ExecCommandRunner implements CommandRunner {

    @Override
    public CommandResult execute(Command command, OutputStream stdout, OutputStream stderr) {
        CommandLine line = new CommandLine(command.argv().get(0));
        for (String arg : command.argv().subList(1, command.argv().size())) {
            // false: pass the argument as is; Commons Exec would otherwise wrap arguments with spaces in quotes
            line.addArgument(arg, false);
        }
        java.io.InputStream input = command.streamedStdin().map(java.util.function.Supplier::get)
                .orElseGet(() -> command.stdin().map(ByteArrayInputStream::new).orElse(null));
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(command.timeout()).get();
        DefaultExecutor executor = DefaultExecutor.builder()
                .setExecuteStreamHandler(new PumpStreamHandler(stdout, stderr, input))
                .get();
        executor.setExitValues(null);
        executor.setWatchdog(watchdog);
        Map<String, String> environment;
        try {
            environment = new HashMap<>(EnvironmentUtils.getProcEnvironment());
        } catch (IOException e) {
            throw new BackendException("could not read this process's environment: " + e.getMessage(), e);
        }
        environment.putAll(command.environment());
        try {
            int exit = executor.execute(line, environment);
            return new CommandResult(exit, new byte[0], new byte[0], watchdog.killedProcess());
        } catch (IOException e) {
            if (watchdog.killedProcess()) {
                return new CommandResult(-1, new byte[0], new byte[0], true);
            }
            throw new BackendException("could not run " + command.argv().get(0) + ": " + e.getMessage(), e);
        }
    }
}
