package dev.botbottle.cli;

import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.spi.AgentProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bottle resume SLUG}: brings a stopped bottle back on the backend recorded in its state. */
@Command(name = "resume", description = "Resume a stopped bottle on the backend it was launched on.")
final class ResumeCommand implements Callable<Integer> {

    @ParentCommand
    BottleCommand parent;

    @Parameters(index = "0", paramLabel = "SLUG")
    String slug;

    @Option(names = "--detach", description = "leave it running in the background")
    boolean detach;

    @Option(names = "--headless", description = "run the agent non-interactively on --prompt")
    boolean headless;

    @Option(names = "--prompt", paramLabel = "TEXT")
    String prompt;

    @Option(names = Session.HOLD_OPTION, hidden = true)
    boolean hold;

    @Override
    public Integer call() {
                if (detach && !hold) {
            List<String> args = new ArrayList<>();
            if (parent.home != null) {
                args.addAll(List.of("--home", parent.home.toAbsolutePath().toString()));
            }
            args.addAll(List.of("resume", slug));
            return Session.detach(args, slug, parent.console, java.util.Map.of());
        }
        BottleRuntime runtime = parent.runtime();
        RunningBottle bottle = runtime.resume(slug);
        if (hold) {
            return Session.hold(runtime, bottle, parent.console.out());
        }
        AgentProvider provider = parent.plugins().agents().get(bottle.plan().agentPlan().provider());
        if (headless) {
            if (prompt == null || prompt.isBlank()) {
                throw new dev.botbottle.spi.BottleException("--headless needs --prompt TEXT");
            }
            return Session.headless(runtime, bottle, provider, prompt, false, parent.console);
        }
        return Session.interactive(runtime, bottle, provider, false, parent.console);
    }
}
