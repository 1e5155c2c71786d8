package dev.botbottle.cli;

import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.BottleStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code bottle cleanup}: removes every bottle object and orphaned state, after one confirmation. */
@Command(name = "cleanup", description = "Remove every bottle bot-bottle finds (engine objects and state), after one confirmation.")
final class CleanupCommand implements Callable<Integer> {

    @ParentCommand
    BottleCommand parent;

    @Option(names = {"-y", "--yes"}, description = "do not ask")
    boolean yes;

    @Override
    public Integer call() {
        BottleRuntime runtime = parent.runtime();
        List<BottleStatus> all = runtime.list();
        if (all.isEmpty()) {
            parent.console.err().println("nothing to clean up");
            return 0;
        }
        all.forEach(s -> parent.console.err().println("  " + s.slug() + "  " + s.status()));
        if (!yes && !Confirm.ask(parent.console, "remove these " + all.size() + " bottle(s)?")) {
            parent.console.err().println("nothing removed" + (parent.console.interactive() ? "" : " (use --yes)"));
            return parent.console.interactive() ? 0 : Main.PROBLEM;
        }
        for (BottleStatus s : all) {
            Session.stopHolder(runtime.state().readMetadata(s.slug()).map(m -> m.hostPid()).orElse(0L));
            runtime.teardown(s.slug());
            parent.console.err().println("removed " + s.slug());
        }
        return 0;
    }
}
