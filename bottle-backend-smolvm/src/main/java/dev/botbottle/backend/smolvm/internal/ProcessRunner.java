package dev.botbottle.backend.smolvm.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs host processes (smolvm, docker, ip, iptables). {@link CommonsExecRunner} is the real one; unit tests use
 * a scripted double.
 */
public interface ProcessRunner {

    /**
     * Runs a process to completion, streaming its output.
     *
     * @param invocation what to run
     * @param stdout receives standard output
     * @param stderr receives standard error
     * @return its exit code, or that the time-out killed it
     * @throws dev.botbottle.spi.BackendException when the process could not be started
     */
    Outcome execute(Invocation invocation, OutputStream stdout, OutputStream stderr);

    /**
     * Runs a process to completion and collects its output.
     *
     * @param invocation what to run
     * @return exit code and output
     */
    default Captured capture(Invocation invocation) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Outcome o = execute(invocation, out, err);
        return new Captured(o.exitCode(), out.toByteArray(), err.toByteArray(), o.timedOut());
    }

    /**
     * A process to run.
     *
     * @param argv program and arguments; never a shell string
     * @param environment added to the inherited environment (may hold secrets: {@link #toString()} masks them)
     * @param stdin bytes for standard input; empty closes it at once
     * @param timeout how long before the process is killed
     */
    record Invocation(List<String> argv, Map<String, String> environment, Optional<byte[]> stdin, Duration timeout) {
        public Invocation {
            argv = List.copyOf(argv);
            environment = Map.copyOf(environment);
            Objects.requireNonNull(stdin, "stdin");
            Objects.requireNonNull(timeout, "timeout");
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("argv must not be empty");
            }
        }

        /** @return an invocation with no extra environment and no input */
        public static Invocation of(Duration timeout, List<String> argv) {
            return new Invocation(argv, Map.of(), Optional.empty(), timeout);
        }

        @Override
        public String toString() {
            return "Invocation[argv=" + argv + ", environment=" + environment.keySet() + ", timeout=" + timeout + "]";
        }
    }

    /**
     * How a streamed process ended.
     *
     * @param exitCode its exit code (meaningless when {@code timedOut})
     * @param timedOut whether the time-out killed it
     */
    record Outcome(int exitCode, boolean timedOut) {
    }

    /**
     * What a process returned.
     *
     * @param exitCode its exit code (meaningless when {@code timedOut})
     * @param stdout its standard output
     * @param stderr its standard error
     * @param timedOut whether the time-out killed it
     */
    record Captured(int exitCode, byte[] stdout, byte[] stderr, boolean timedOut) {
        public Captured {
            stdout = stdout.clone();
            stderr = stderr.clone();
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
        public String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** @return standard error as UTF-8, trimmed */
        public String err() {
            return new String(stderr, StandardCharsets.UTF_8).trim();
        }

        /** @return whether it exited 0 in time */
        public boolean succeeded() {
            return !timedOut && exitCode == 0;
        }
    }
}
