package dev.botbottle.cli;

import dev.botbottle.core.manifest.ManifestLoader;
import dev.botbottle.core.manifest.ManifestProblem;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code bottle validate}: checks every manifest file and lists every problem at once. */
@Command(name = "validate", description = "Check every bottle and agent; list every problem at once (exit 2 if any).")
final class ValidateCommand implements Callable<Integer> {

    @ParentCommand
    BottleCommand parent;

    @Override
    public Integer call() {
        ManifestLoader.LoadResult result = parent.loader().load();
        long errors = result.problems().stream().filter(ManifestProblem::isError).count();
        for (ManifestProblem p : result.problems()) {
            parent.console.err().println((p.isError() ? "error: " : "warning: ") + p.render());
        }
        var m = result.manifest();
        if (errors > 0) {
            parent.console.err().println(errors + " problem(s); " + m.bottles().size() + " bottle(s) and "
                    + m.agents().size() + " agent(s) are valid");
            return Main.PROBLEM;
        }
        parent.console.out().println("ok: " + m.bottles().size() + " bottle(s), " + m.agents().size() + " agent(s) in "
                + parent.host().botBottleHome());
        return 0;
    }
}
