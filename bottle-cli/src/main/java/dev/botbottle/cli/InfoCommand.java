package dev.botbottle.cli;

import dev.botbottle.core.manifest.AgentDef;
import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.manifest.ResolvedBottle;
import dev.botbottle.core.plan.PlanRenderer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code bottle info AGENT}: where the agent comes from, its bottle chain, identity and plan. */
@Command(name = "info", description = "Show an agent: its file, its bottle and what it extends, and its plan.")
final class InfoCommand implements Callable<Integer> {

    @ParentCommand
    BottleCommand parent;

    @Parameters(index = "0", paramLabel = "AGENT")
    String agent;

    @Option(names = "--backend", paramLabel = "NAME")
    String backend;

    @Override
    public Integer call() {
        Manifest m = parent.manifest();
        AgentDef a = m.agent(agent).orElseThrow(() -> new dev.botbottle.spi.BottleException("unknown agent '" + agent
                + "'; available: " + String.join(", ", m.agents().keySet())));
        ResolvedBottle r = m.bottleFor(a);
        var out = parent.console.out();
        out.println("agent:   " + a.name() + " (" + a.file() + ")");
        out.println("bottle:  " + r.bottle().name() + " (" + r.bottle().file() + ")"
                + (r.bottle().extendsNames().isEmpty() ? "" : " extends " + String.join(", ", r.bottle().extendsNames())));
        out.println("prompt:  " + (a.prompt().isBlank() ? "(none)" : a.prompt().lines().count() + " line(s)"));
                out.print(PlanRenderer.render(parent.planner().plan(m, agent, parent.backend(backend), Optional.empty())));
        return 0;
    }
}
