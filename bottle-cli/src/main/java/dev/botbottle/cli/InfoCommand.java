package dev.botbottle.cli;

import dev.botbottle.core.manifest.AgentDef;
import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.manifest.ResolvedBottle;
import dev.botbottle.core.plan.PlanJson;
import dev.botbottle.core.plan.PlanRenderer;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.BottleStatus;
import dev.botbottle.core.state.BottleMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code bottle info AGENT|SLUG}: for a bottle (a slug with state or engine objects), what is recorded of it and what
 * is true now; for an agent, where it comes from, its bottle chain, identity and plan.
 */
@Command(name = "info", description = "Show a bottle (its real state now: engine, gateways) or an agent (its file, its"
        + " bottle and what it extends, and its plan).")
final class InfoCommand implements Callable<Integer> {

    @ParentCommand
    BottleCommand parent;

    @Parameters(index = "0", paramLabel = "AGENT|SLUG")
    String agent;

    @Option(names = "--backend", paramLabel = "NAME")
    String backend;

    @Override
    public Integer call() {
        BottleRuntime runtime = parent.runtime();
        Optional<BottleStatus> bottle = runtime.status(agent);
        if (bottle.isPresent()) {
            return bottle(runtime, bottle.get());
        }
        Manifest m = parent.manifest();
        AgentDef a = m.agent(agent).orElseThrow(() -> new dev.botbottle.spi.BottleException("no bottle and no agent '"
                + agent + "'; agents: " + String.join(", ", m.agents().keySet()) + "; `bottle ps` lists the bottles"));
        ResolvedBottle r = m.bottleFor(a);
        var out = parent.console.out();
        out.println("agent:   " + a.name() + " (" + a.file() + ")");
        out.println("bottle:  " + r.bottle().name() + " (" + r.bottle().file() + ")"
                + (r.bottle().extendsNames().isEmpty() ? "" : " extends " + String.join(", ", r.bottle().extendsNames())));
        out.println("prompt:  " + (a.prompt().isBlank() ? "(none)" : a.prompt().lines().count() + " line(s)"));
        out.print(PlanRenderer.render(parent.planner().plan(m, agent, parent.backend(backend), Optional.empty())));
        return 0;
    }

    private int bottle(BottleRuntime runtime, BottleStatus s) {
        PrintStream out = parent.console.out();
        Optional<BottleMetadata> meta = runtime.state().readMetadata(s.slug());
        out.println("bottle:    " + s.slug() + (s.preserved() ? " (kept)" : ""));
        out.println("status:    " + s.status());
        out.println("recorded:  " + s.recorded().map(BottleMetadata.Status::label).orElse("(no state)")
                + meta.map(m -> ", launched " + m.createdAt() + " on " + m.backend()).orElse(""));
        out.println("engine:    " + s.engine().label());
        out.println("gateways:  " + (s.gatewaysUp() ? "up in process " + s.holder().orElseThrow().pid()
                + meta.map(m -> " " + m.gatewayPorts()).orElse("")
                : s.holder().map(h -> "down (holder process " + h.pid() + " is gone)").orElse("down (no process holds them)")));
        runtime.state().readPlan(s.slug()).ifPresent(json -> out.print(PlanRenderer.render(PlanJson.read(json))));
        return 0;
    }
}
