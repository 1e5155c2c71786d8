package dev.botbottle.backend.docker.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A double of {@link CommandRunner}: records every command and answers from canned results (first match wins). */
final class RecordingRunner implements CommandRunner {

    private record Rule(String contains, CommandResult result, java.util.concurrent.atomic.AtomicInteger firstLeft,
                        CommandResult first) {
        Rule(String contains, CommandResult result) {
            this(contains, result, new java.util.concurrent.atomic.AtomicInteger(), result);
        }

        CommandResult answer() {
            return firstLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? first : result;
        }
    }

    final List<Command> commands = new CopyOnWriteArrayList<>();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();

    /** Answers commands whose argv, joined with spaces, contains {@code text}. */
    RecordingRunner when(String text, CommandResult result) {
        rules.add(new Rule(text, result));
        return this;
    }

    /**
     * Answers the first command containing {@code text} with {@code first} and every later one with {@code then}
     * (for an answer that changes while background work runs, without racing it).
     */
    RecordingRunner when(String text, CommandResult first, CommandResult then) {
        rules.add(new Rule(text, then, new java.util.concurrent.atomic.AtomicInteger(1), first));
        return this;
    }

    @Override
    public CommandResult execute(Command command, OutputStream stdout, OutputStream stderr) {
        commands.add(command);
        String joined = String.join(" ", command.argv());
        CommandResult result = rules.stream().filter(r -> joined.contains(r.contains())).map(Rule::answer)
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
