package dev.botbottle.cli;

import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.BottleStatus;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.core.state.HostSession;
import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.EngineState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code bottle resume SLUG}: brings a stopped bottle back on the backend recorded in its state. One process at a
 * time holds a bottle: a bottle that runs with its gateways up is left alone, and the holder of one whose bottle
 * stopped under it (an engine restart) is stopped first, so there is never a second background process.
 */
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
        BottleRuntime runtime = parent.runtime();
        if (!hold) {
            Optional<BottleStatus> status = runtime.status(slug);
            Optional<HostSession> holder = status.flatMap(BottleStatus::holder).filter(HostSession::running);
            if (holder.isPresent()) {
                if (status.get().engine() == EngineState.RUNNING) {
                    String msg = "bottle " + slug + " is already running; process " + holder.get().pid()
                            + " holds its gateways (`bottle exec " + slug + " -- CMD` to use it, `bottle stop "
                            + slug + "` to stop it)";
                    if (detach) {
                        parent.console.err().println(msg);
                        return 0;
                    }
                    throw new BottleException(msg);
                }
                // the bottle stopped under a live holder (an engine restart): that holder goes, this one takes over
                parent.console.err().println("bottle " + slug + " is " + status.get().status() + "; stopping process "
                        + holder.get().pid() + " before resuming it");
                if (!Session.stopHolder(holder.get().pid())) {
                    runtime.state().setPreserved(slug, true); // killed, it could not let go: keep the bottle
                }
            }
        }
        if (detach && !hold) {
            List<String> args = new ArrayList<>(parent.globalArgs());
            args.addAll(List.of("resume", slug));
            return Session.detach(args, slug, parent.console, java.util.Map.of());
        }
        RunningBottle bottle = runtime.resume(slug);
        if (hold) {
            return Session.hold(runtime, bottle, parent.console.out());
        }
        AgentProvider provider = parent.plugins().agents().get(bottle.plan().agentPlan().provider());
        if (headless) {
            if (prompt == null || prompt.isBlank()) {
                throw new BottleException("--headless needs --prompt TEXT");
            }
            return Session.headless(runtime, bottle, provider, prompt, false, parent.console);
        }
        return Session.interactive(runtime, bottle, provider, false, parent.console);
    }
}
