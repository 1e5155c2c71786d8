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
     * Runs docker with standard input read from a stream (too large for memory, e.g. a tar for {@code cp -}).
     *
     * @param args arguments after {@code docker}
     * @param stdin opens the stream docker reads
     * @param timeout how long before docker is killed
     * @return what docker returned
     */
    public CommandResult run(List<String> args, java.util.function.Supplier<java.io.InputStream> stdin,
                             Duration timeout) {
        return runner.run(new Command(argv(args), Map.of(), Optional.empty(), timeout, Optional.of(stdin)));
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

    /** Whether an object with a bottle's name exists, and whether bot-bottle made it. */
    public enum Presence {
        /** no such object */
        ABSENT,
        /** it exists and carries {@code dev.botbottle.managed=true} */
        MANAGED,
        /** it exists but bot-bottle did not make it */
        FOREIGN
    }

    /**
     * @param name a container name
     * @return whether it exists (running or not) and is ours
     * @throws BackendException when docker could not say (daemon down)
     */
    public Presence container(String name) {
        return presence("container " + name, List.of("container", "inspect", "--format",
                "{{index .Config.Labels \"" + Names.MANAGED_LABEL + "\"}}", name));
    }

    /**
     * @param name a network name
     * @return whether it exists and is ours
     * @throws BackendException when docker could not say (daemon down)
     */
    public Presence network(String name) {
        return presence("network " + name, List.of("network", "inspect", "--format",
                "{{index .Labels \"" + Names.MANAGED_LABEL + "\"}}", name));
    }

    private Presence presence(String what, List<String> args) {
        CommandResult r = run(args);
        if (r.succeeded()) {
            return "true".equals(r.stdoutText().strip()) ? Presence.MANAGED : Presence.FOREIGN;
        }
        String stderr = r.stderrText().toLowerCase(java.util.Locale.ROOT);
        if (!r.timedOut() && (stderr.contains("no such") || stderr.contains("not found"))) {
            return Presence.ABSENT;
        }
        require("inspect " + what, r);
        return Presence.ABSENT;
    }

    /** @return the image's id and labels, when the engine has it */
    public Optional<ImageInfo> image(String reference) {
        CommandResult r = run(List.of("image", "inspect", "--format", "{{.Id}} {{json .Config.Labels}}", reference));
        return r.succeeded() ? Optional.of(DockerOutput.image(r.stdoutText())) : Optional.empty();
    }

    /** @return whether the engine has this image */
    public boolean imageExists(String reference) {
        return run(List.of("image", "inspect", "--format", "{{.Id}}", reference)).succeeded();
    }
}
