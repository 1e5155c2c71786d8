package dev.botbottle.cli;

import dev.botbottle.core.runtime.BottleStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code bottle ps}: the bottles that exist, from state and from the engines. */
@Command(name = "ps", description = "List bottles (running, stopped, orphaned).")
final class PsCommand implements Callable<Integer> {

    @ParentCommand
    BottleCommand parent;

    @Override
    public Integer call() {
        List<BottleStatus> all = parent.runtime().list();
        var out = parent.console.out();
        if (all.isEmpty()) {
            out.println("no bottles");
            return 0;
        }
        out.printf("%-28s %-16s %-10s %s%n", "SLUG", "AGENT", "BACKEND", "STATUS");
        for (BottleStatus s : all) {
            out.printf("%-28s %-16s %-10s %s%s%n", s.slug(), s.agent().orElse("-"), s.backend().orElse("-"), s.status(),
                    s.preserved() ? " (kept)" : "");
        }
        return 0;
    }
}
