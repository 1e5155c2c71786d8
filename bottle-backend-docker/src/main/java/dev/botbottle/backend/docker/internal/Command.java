package dev.botbottle.backend.docker.internal;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A host process to run: argv (never a shell string), variables added to its environment (may hold secrets, so
 * {@link #toString()} masks them), optional standard input and a timeout.
 *
 * @param argv the program (absolute path or name on PATH) and its arguments
 * @param environment variables added to the inherited environment
 * @param stdin bytes for standard input; empty closes it at once (unless {@code streamedStdin} is given)
 * @param timeout how long before the process is killed
 * @param streamedStdin opens a stream fed to standard input instead of {@code stdin}, for input too large to hold
 *                      in memory (a directory tree as a tar)
 */
public record Command(List<String> argv, Map<String, String> environment, Optional<byte[]> stdin, Duration timeout,
                      Optional<Supplier<InputStream>> streamedStdin) {

    public Command {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(streamedStdin, "streamedStdin");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv must not be empty");
        }
    }

    /**
     * @param timeout how long before the process is killed
     * @param argv program and arguments
     * @return a command with no extra environment and no input
     */
    public static Command of(Duration timeout, List<String> argv) {
        return new Command(argv, Map.of(), Optional.empty(), timeout);
    }

    /**
     * @param argv the program and its arguments
     * @param environment variables added to the inherited environment
     * @param stdin bytes for standard input
     * @param timeout how long before the process is killed
     */
    public Command(List<String> argv, Map<String, String> environment, Optional<byte[]> stdin, Duration timeout) {
        this(argv, environment, stdin, timeout, Optional.empty());
    }

    @Override
    public String toString() {
        return "Command[argv=" + argv + ", environment=" + environment.keySet() + ", timeout=" + timeout + "]";
    }
}
