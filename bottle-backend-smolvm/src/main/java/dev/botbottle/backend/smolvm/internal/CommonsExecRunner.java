package dev.botbottle.backend.smolvm.internal;

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
public final class CommonsExecRunner implements ProcessRunner {

    @Override
    public Outcome execute(Invocation invocation, OutputStream stdout, OutputStream stderr) {
        CommandLine line = new CommandLine(invocation.argv().get(0));
        invocation.argv().subList(1, invocation.argv().size()).forEach(a -> line.addArgument(a, false));
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(invocation.timeout()).get();
        DefaultExecutor executor = DefaultExecutor.builder()
                .setExecuteStreamHandler(new PumpStreamHandler(stdout, stderr,
                        invocation.stdin().map(ByteArrayInputStream::new).orElse(null)))
                .get();
        executor.setExitValues(null);
        executor.setWatchdog(watchdog);
        Map<String, String> environment;
        try {
            environment = new HashMap<>(EnvironmentUtils.getProcEnvironment());
        } catch (IOException e) {
            throw new BackendException("could not read this process's environment: " + e.getMessage(), e);
        }
        environment.putAll(invocation.environment());
        try {
            int exit = executor.execute(line, environment);
            return new Outcome(exit, watchdog.killedProcess());
        } catch (IOException e) {
            if (watchdog.killedProcess()) {
                return new Outcome(-1, true);
            }
            throw new BackendException("could not run " + invocation.argv().get(0) + ": " + e.getMessage(), e);
        }
    }
}
