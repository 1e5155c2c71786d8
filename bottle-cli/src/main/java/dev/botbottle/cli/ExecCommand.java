package dev.botbottle.cli;

import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.spi.ExecRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code bottle exec SLUG -- CMD...}: runs a command in a running bottle; its exit code is passed through. */
@Command(name = "exec", description = "Run a command in a running bottle (exit code passed through).")
final class ExecCommand implements Callable<Integer> {

    @ParentCommand
    BottleCommand parent;

    @Parameters(index = "0", paramLabel = "SLUG")
    String slug;

    @Parameters(index = "1..*", paramLabel = "CMD", arity = "1..*", description = "the command and its arguments")
    List<String> command;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "run as USER (default: the agent user)")
    String user;

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "working directory in the bottle")
    String workdir;

    @Override
    public Integer call() {
        RunningBottle bottle = parent.runtime().attach(slug);
        ExecRequest request = ExecRequest.of(command.toArray(String[]::new)).withTimeout(java.time.Duration.ofHours(12));
        if (user != null) {
            request = request.asUser(user);
        }
        if (workdir != null) {
            request = request.inDirectory(workdir);
        }
        int rc = bottle.stream(request, parent.console.out(), parent.console.err());
        parent.console.out().flush();
        return rc;
    }
}
