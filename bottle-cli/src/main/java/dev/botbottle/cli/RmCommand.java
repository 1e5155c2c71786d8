package dev.botbottle.cli;

import dev.botbottle.core.runtime.BottleRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code bottle rm SLUG...}: removes bottles: engine objects, gateways, state. */
@Command(name = "rm", description = "Remove bottles: container, network, firewall rules, gateways and state.")
final class RmCommand implements Callable<Integer> {

    @ParentCommand
    BottleCommand parent;

    @Parameters(index = "0..*", arity = "1..*", paramLabel = "SLUG")
    List<String> slugs;

    @Override
    public Integer call() {
        BottleRuntime runtime = parent.runtime();
        for (String slug : slugs) {
            Session.refusePooled(runtime, slug);
            // the holder first: it lets go (its gateways stop), then nothing of the bottle is left running
            Session.stopHolder(runtime.state().readMetadata(slug).map(m -> m.hostPid()).orElse(0L));
            runtime.teardown(slug);
            parent.console.err().println("removed " + slug);
        }
        return 0;
    }
}
