package dev.botbottle.backend.docker.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A double of {@link CommandRunner}: records every command and answers from canned results (first match wins). */
final class RecordingRunner implements CommandRunner {

    private record Rule(String contains, CommandResult result) {
    }

    final List<Command> commands = new CopyOnWriteArrayList<>();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();

    /** Answers commands whose argv, joined with spaces, contains {@code text}. */
    RecordingRunner when(String text, CommandResult result) {
        rules.add(new Rule(text, result));
        return this;
    }

    /** Answers commands containing {@code text} from now on, before every earlier rule. */
    RecordingRunner override(String text, CommandResult result) {
        rules.add(0, new Rule(text, result));
        return this;
    }

    @Override
    public CommandResult execute(Command command, OutputStream stdout, OutputStream stderr) {
        commands.add(command);
        String joined = String.join(" ", command.argv());
        CommandResult result = rules.stream().filter(r -> joined.contains(r.contains())).map(Rule::result)
                .findFirst().orElse(CommandResult.ok(""));
        try {
            stdout.write(result.stdout());
            stderr.write(result.stderr());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new CommandResult(result.exitCode(), new byte[0], new byte[0], result.timedOut());
    }

    /** @return every command's argv joined with spaces, in order */
    List<String> lines() {
        return commands.stream().map(c -> String.join(" ", c.argv())).toList();
    }
}
