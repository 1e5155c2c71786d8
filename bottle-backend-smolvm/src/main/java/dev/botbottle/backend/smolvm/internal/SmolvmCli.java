package dev.botbottle.backend.smolvm.internal;

import dev.botbottle.spi.BackendException;

import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The smolvm CLI: runs {@code smolvm machine ...} (always with {@code --name}) and turns its failures into
 * {@link BackendException}s quoting its stderr.
 */
public final class SmolvmCli {

    /** Time-out of control commands (create, start, stop, delete, status, ls, cp). */
    public static final Duration CONTROL_TIMEOUT = Duration.ofMinutes(5);

    private final String binary;
    private final ProcessRunner runner;

    /**
     * @param binary the smolvm executable
     * @param runner runs it
     */
    public SmolvmCli(String binary, ProcessRunner runner) {
        this.binary = binary;
        this.runner = runner;
    }

    /** @return the executable */
    public String binary() {
        return binary;
    }

    /** @return the full argv: binary, then {@code args} */
    public List<String> argv(List<String> args) {
        List<String> argv = new ArrayList<>(args.size() + 1);
        argv.add(binary);
        argv.addAll(args);
        return argv;
    }

    /** @return what smolvm returned for a control command */
    public ProcessRunner.Captured run(List<String> args) {
        return runner.capture(ProcessRunner.Invocation.of(CONTROL_TIMEOUT, argv(args)));
    }

    /**
     * Runs a control command and requires success.
     *
     * @param operation what is done, for the message
     * @param args arguments after {@code smolvm}
     * @return standard output
     */
    public String check(String operation, List<String> args) {
        ProcessRunner.Captured r = run(args);
        if (r.timedOut()) {
            throw new BackendException("smolvm did not finish in time: " + operation);
        }
        if (r.exitCode() != 0) {
            throw new BackendException("smolvm failed to " + operation + " (exit " + r.exitCode() + "): "
                    + (r.err().isEmpty() ? "(no message)" : r.err()));
        }
        return r.out();
    }

    /**
     * Streams a command's output.
     *
     * @param args arguments after {@code smolvm}
     * @param environment added to smolvm's environment (secret values for {@code --secret-env})
     * @param stdin standard input
     * @param timeout how long before smolvm is killed
     * @param stdout receives standard output
     * @param stderr receives standard error
     * @return how it ended
     */
    public ProcessRunner.Outcome stream(List<String> args, Map<String, String> environment, Optional<byte[]> stdin,
                                        Duration timeout, OutputStream stdout, OutputStream stderr) {
        return runner.execute(new ProcessRunner.Invocation(argv(args), environment, stdin, timeout), stdout, stderr);
    }

    /**
     * @param machine a machine name
     * @return its state, or empty when smolvm has no such machine
     */
    public Optional<MachineState> status(String machine) {
        ProcessRunner.Captured r = run(SmolvmArgs.status(machine));
        if (r.succeeded()) {
            return Optional.of(parse(() -> MachineState.parse(r.out())));
        }
        if (!r.timedOut() && r.err().toLowerCase(Locale.ROOT).contains("not found")) {
            return Optional.empty();
        }
        throw new BackendException("smolvm could not say whether machine " + machine + " exists (exit "
                + r.exitCode() + "): " + (r.timedOut() ? "timed out" : r.err()));
    }

    /** @return every machine smolvm knows */
    public List<MachineState> list() {
        String out = check("list machines", SmolvmArgs.list());
        return parse(() -> MachineState.parseList(out));
    }

    private static <T> T parse(java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new BackendException(e.getMessage(), e);
        }
    }
}
