package dev.botbottle.cli;

import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.PlanJson;
import dev.botbottle.core.plan.PlanRenderer;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchOptions;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.BottleException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code bottle launch AGENT}: preflight, launch, then attach, run headless, or detach. */
@Command(name = "launch", description = "Launch an agent in a new bottle: preflight, launch, then attach the agent"
        + " (or --detach, or --headless --prompt TEXT).")
final class LaunchCommand implements Callable<Integer> {

    @ParentCommand
    BottleCommand parent;

    @Parameters(index = "0", paramLabel = "AGENT")
    String agent;

    @Option(names = "--backend", paramLabel = "NAME", description = "backend (default $BOT_BOTTLE_BACKEND or docker)")
    String backend;

    @Option(names = "--cwd", paramLabel = "DIR", description = "copy DIR (with .git) into ~/workspace in the bottle")
    Path cwd;

    @Option(names = "--label", paramLabel = "SLUG", description = "name the bottle instead of AGENT-xxxxx")
    String label;

    @Option(names = "--dry-run", description = "print the plan and stop")
    boolean dryRun;

    @Option(names = "--format", paramLabel = "FORMAT", description = "dry-run output: text or json")
    PlanCommand.Format format = PlanCommand.Format.text;

    @Option(names = "--detach", description = "leave the bottle running in the background and print its slug")
    boolean detach;

    @Option(names = "--headless", description = "run the agent non-interactively on --prompt and stream its output")
    boolean headless;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "the task for --headless")
    String prompt;

    @Option(names = {"-y", "--yes"}, description = "do not ask for confirmation after the preflight")
    boolean yes;

    @Option(names = "--trust-host-ca", description = "also trust the host's extra CA certificates in the bottle")
    boolean trustHostCa;

    @Option(names = "--allow-weak-isolation",
            description = "run even if the backend cannot firewall the bottle from other host services")
    boolean allowWeakIsolation;

    @Option(names = Session.HOLD_OPTION, hidden = true)
    boolean hold;

    @Override
    public Integer call() {
        if (headless && (prompt == null || prompt.isBlank())) {
            throw new BottleException("--headless needs --prompt TEXT");
        }
        if (headless && detach) {
            throw new BottleException("--headless and --detach cannot be combined");
        }
        if (cwd != null && !Files.isDirectory(cwd)) {
            throw new BottleException("--cwd " + cwd + " is not a directory");
        }
                BottlePlan plan = parent.planner().plan(parent.manifest(), agent, parent.backend(backend),
                Optional.ofNullable(label));
        if (dryRun) {
            parent.console.out().print(format == PlanCommand.Format.json ? PlanJson.write(plan) + "\n"
                    : PlanRenderer.render(plan));
            return 0;
        }
        if (!hold) {
            parent.console.err().print(PlanRenderer.render(plan));
            if (parent.console.interactive() && !yes && !Confirm.ask(parent.console, "launch?")) {
                return 0;
            }
        }
        if (detach && !hold) {
            // The background process cannot prompt: ask here and hand the answers over in its environment.
            java.util.Map<String, String> answers = new java.util.HashMap<>();
            plan.env().forEach((name, value) -> {
                if (value instanceof dev.botbottle.core.manifest.EnvValue.Prompt p) {
                    answers.put("BOT_BOTTLE_PROMPT_" + name, parent.prompter().ask(name, p.message()).reveal());
                }
            });
            return Session.detach(relaunchArgs(), plan.slug(), parent.console, answers);
        }
        LaunchOptions options = new LaunchOptions(Optional.ofNullable(cwd).map(p -> p.toAbsolutePath()), trustHostCa,
                allowWeakIsolation);
        BottleRuntime runtime = parent.runtime();
        // a warm pool (bottle pool start AGENT) serves launches that did not name their bottle
        RunningBottle bottle = (label == null ? runtime.claim(plan, options) : Optional.<RunningBottle>empty())
                .orElseGet(() -> runtime.launch(plan, options));
        if (!bottle.slug().equals(plan.slug())) {
            parent.console.err().println("claimed " + bottle.slug() + " from the warm pool of " + agent);
        }
        bottle.warnings().forEach(w -> parent.console.err().println("warning: " + w));
        if (hold) {
            return Session.hold(runtime, bottle, parent.console.out());
        }
        AgentProvider provider = parent.plugins().agents().get(plan.agentPlan().provider());
        if (headless) {
            return Session.headless(runtime, bottle, provider, prompt, cwd != null, parent.console);
        }
        return Session.interactive(runtime, bottle, provider, cwd != null, parent.console);
    }

    private List<String> relaunchArgs() {
        List<String> args = new ArrayList<>(parent.globalArgs());
        args.addAll(List.of("launch", agent, "--yes", "--backend", parent.backend(backend)));
        if (label != null) {
            args.addAll(List.of("--label", label));
        }
        if (cwd != null) {
            args.addAll(List.of("--cwd", cwd.toAbsolutePath().toString()));
        }
        if (trustHostCa) {
            args.add("--trust-host-ca");
        }
        if (allowWeakIsolation) {
            args.add("--allow-weak-isolation");
        }
        return args;
    }
}
