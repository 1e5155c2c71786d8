package dev.botbottle.cli;

import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.PlanJson;
import dev.botbottle.core.plan.PlanRenderer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code bottle plan AGENT}: what a launch would do, without doing it. */
@Command(name = "plan", description = "Show what launching an agent would do (nothing is created).")
final class PlanCommand implements Callable<Integer> {

    /** Output formats. */
    enum Format { text, json }

    @ParentCommand
    BottleCommand parent;

    @Parameters(index = "0", paramLabel = "AGENT", description = "the agent to plan for")
    String agent;

    @Option(names = "--backend", paramLabel = "NAME", description = "backend (default $BOT_BOTTLE_BACKEND or docker)")
    String backend;

    @Option(names = "--format", paramLabel = "FORMAT", description = "text or json (default text)")
    Format format = Format.text;

    @Override
    public Integer call() {
                BottlePlan plan = parent.planner().plan(parent.manifest(), agent, parent.backend(backend), Optional.empty());
        parent.console.out().print(format == Format.json ? PlanJson.write(plan) + "\n" : PlanRenderer.render(plan));
        return 0;
    }
}
