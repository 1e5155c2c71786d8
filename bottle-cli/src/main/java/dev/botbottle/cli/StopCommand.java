package dev.botbottle.cli;

import dev.botbottle.core.runtime.BottleRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code bottle stop SLUG}: stops a bottle and keeps it for {@code resume}. */
@Command(name = "stop", description = "Stop a bottle, keeping it and its state for `bottle resume`.")
final class StopCommand implements Callable<Integer> {

    @ParentCommand
    BottleCommand parent;

    @Parameters(index = "0", paramLabel = "SLUG")
    String slug;

    @Override
    public Integer call() {
        BottleRuntime runtime = parent.runtime();
        Session.refusePooled(runtime, slug);
        long holder = runtime.state().readMetadata(slug).map(m -> m.hostPid()).orElse(0L);
        runtime.stop(slug);
        Session.stopHolder(holder);
        parent.console.err().println("stopped " + slug + "; `bottle resume " + slug + "` brings it back");
        return 0;
    }
}
