package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.BackendException;

import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The docker CLI: runs {@code docker ...} and turns failures into {@link BackendException}s quoting docker's stderr. */
public final class DockerCli {

    /** Timeout of control commands (inspect, create, rm, network ...). */
    public static final Duration CONTROL_TIMEOUT = Duration.ofMinutes(2);

    private final String binary;
    private final CommandRunner runner;

    /**
     * @param binary the docker executable (absolute path or name)
     * @param runner runs it
     */
    public DockerCli(String binary, CommandRunner runner) {
        this.binary = binary;
        this.runner = runner;
    }

    /** @return the docker executable */
    public String binary() {
        return binary;
    }

    /**
     * @param args arguments after {@code docker}
     * @return what docker returned (any exit code)
     */
    public CommandResult run(List<String> args) {
        return runner.run(Command.of(CONTROL_TIMEOUT, argv(args)));
    }

    /**
     * Runs docker and requires success.
     *
     * @param operation what is being done, for the message ("create network bb-x")
     * @param args arguments after {@code docker}
     * @return docker's standard output
     * @throws BackendException naming the operation and quoting docker's stderr when it failed
     */
    public String check(String operation, List<String> args) {
        return require(operation, run(args)).stdoutText();
    }

    /**
     * @param args arguments after {@code docker}
     * @param environment added to the docker client's environment (exec env values)
     * @param stdin standard input
     * @param timeout how long before docker is killed
     * @return what docker returned
     */
    public CommandResult run(List<String> args, Map<String, String> environment, Optional<byte[]> stdin,
                             Duration timeout) {
        return runner.run(new Command(argv(args), environment, stdin, timeout));
    }

    /**
     * Streams docker's output.
     *
     * @return the exit code and whether it timed out
     */
    public CommandResult stream(List<String> args, Map<String, String> environment, Optional<byte[]> stdin,
                                Duration timeout, OutputStream stdout, OutputStream stderr) {
        return runner.execute(new Command(argv(args), environment, stdin, timeout), stdout, stderr);
    }

    /**
     * @param operation what was being done
     * @param result what docker returned
     * @return {@code result} when it succeeded
     * @throws BackendException otherwise, quoting docker's stderr
     */
    public static CommandResult require(String operation, CommandResult result) {
        if (result.timedOut()) {
            throw new BackendException("docker did not finish in time: " + operation);
        }
        if (result.exitCode() != 0) {
            throw new BackendException("docker failed to " + operation + " (exit " + result.exitCode() + "): "
                    + (result.stderrText().isEmpty() ? "(no message)" : result.stderrText()));
        }
        return result;
    }

    /** @return the full argv: binary, then {@code args} */
    public List<String> argv(List<String> args) {
        List<String> argv = new ArrayList<>(args.size() + 1);
        argv.add(binary);
        argv.addAll(args);
        return argv;
    }

    /** @return whether a container with this name exists (running or not) */
    public boolean containerExists(String name) {
        return run(List.of("container", "inspect", "--format", "{{.Id}}", name)).succeeded();
    }

    /** @return whether a network with this name exists */
    public boolean networkExists(String name) {
        return run(List.of("network", "inspect", "--format", "{{.Id}}", name)).succeeded();
    }

    /** @return whether the engine has this image */
    public boolean imageExists(String reference) {
        return run(List.of("image", "inspect", "--format", "{{.Id}}", reference)).succeeded();
    }
}
