package dev.botbottle.cli;

import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchRequest;
import dev.botbottle.core.runtime.PoolStatus;
import dev.botbottle.core.runtime.WarmPool;
import dev.botbottle.spi.BottleException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code bottle pool start|ls|stop}: warm pools of ready bottles that {@code bottle launch} claims. */
@Command(name = "pool", description = "Keep bottles of an agent created and provisioned ahead, in a background"
        + " process; `bottle launch AGENT` (without --label) claims one, bound to its task, in about the time of an"
        + " exec.", subcommands = {PoolCommand.Start.class, PoolCommand.Ls.class, PoolCommand.Stop.class})
final class PoolCommand implements Callable<Integer> {

    @ParentCommand
    BottleCommand parent;

    @Override
    public Integer call() {
        parent.console.err().println("usage: bottle pool start AGENT --size N | bottle pool ls | bottle pool stop AGENT");
        return Main.PROBLEM;
    }

    /** {@code bottle pool start AGENT --size N}. */
    @Command(name = "start", description = "Start a warm pool of AGENT's bottles in a background process and wait"
            + " until it is full.")
    static final class Start implements Callable<Integer> {

        @ParentCommand
        PoolCommand pool;

        @Parameters(index = "0", paramLabel = "AGENT")
        String agent;

        @Option(names = "--size", paramLabel = "N", description = "bottles to keep ready (default 1)")
        int size = 1;

        @Option(names = "--backend", paramLabel = "NAME", description = "backend (default $BOT_BOTTLE_BACKEND or docker)")
        String backend;

        @Option(names = "--trust-host-ca", description = "the bottles also trust the host's extra CA certificates"
                + " (launches must say so too to be served)")
        boolean trustHostCa;

        @Option(names = "--allow-weak-isolation", description = "run even if the backend cannot firewall the bottles"
                + " from other host services (launches must say so too to be served)")
        boolean allowWeakIsolation;

        @Option(names = "--timeout", paramLabel = "SECONDS", description = "how long to wait for the pool to fill"
                + " (default 600)")
        long timeout = 600;

        @Option(names = Session.HOLD_OPTION, hidden = true)
        boolean hold;

        @Override
        public Integer call() throws InterruptedException {
            BottleCommand parent = pool.parent;
            if (size < 1 || size > 100) {
                throw new BottleException("--size " + size + " is out of range: a pool keeps 1 to 100 bottles");
            }
            if (!hold) {
                if (parent.runtime().poolStatus().stream().anyMatch(p -> p.agent().equals(agent))) {
                    throw new BottleException("a warm pool of " + agent + " already runs; `bottle pool ls` shows it,"
                            + " `bottle pool stop " + agent + "` stops it");
                }
                parent.manifest(); // report manifest problems here, not in the background process's log
                return Session.detach(args(parent), "pool-" + agent, parent.console, Map.of(),
                        (ready, log) -> "warm pool of " + agent + " is full (" + size + " bottles) and runs in the"
                                + " background (log: " + log + "); `bottle launch " + agent + "` claims from it,"
                                + " `bottle pool stop " + agent + "` removes it");
            }
            BottleRuntime runtime = parent.runtime();
            LaunchRequest request = LaunchRequest.builder(parent.manifest(), agent).backend(parent.backend(backend))
                    .defaultTemplate(BottleCommand.DEFAULT_TEMPLATE).trustHostCa(trustHostCa)
                    .allowWeakIsolation(allowWeakIsolation).build();
            WarmPool warm = runtime.pool(request, size);
            if (!warm.awaitFull(Duration.ofSeconds(timeout))) {
                String why = warm.lastFailure().orElse("it was not full after " + timeout + " s (--timeout)");
                runtime.close();
                throw new BottleException("the warm pool of " + agent + " could not fill: " + why);
            }
            return Session.hold(runtime, agent, parent.console.out());
        }

        private List<String> args(BottleCommand parent) {
            List<String> args = new ArrayList<>(parent.globalArgs());
            args.addAll(List.of("pool", "start", agent, "--size", Integer.toString(size), "--timeout",
                    Long.toString(timeout), "--backend", parent.backend(backend)));
            if (trustHostCa) {
                args.add("--trust-host-ca");
            }
            if (allowWeakIsolation) {
                args.add("--allow-weak-isolation");
            }
            return args;
        }
    }

    /** {@code bottle pool ls}. */
    @Command(name = "ls", description = "List the warm pools running on this bot-bottle home.")
    static final class Ls implements Callable<Integer> {

        @ParentCommand
        PoolCommand pool;

        @Override
        public Integer call() {
            List<PoolStatus> pools = pool.parent.runtime().poolStatus();
            if (pools.isEmpty()) {
                pool.parent.console.out().println("no warm pools");
                return 0;
            }
            pool.parent.console.out().println(String.format(Locale.ROOT, "%-24s %5s %6s %8s", "AGENT", "SIZE",
                    "READY", "PID"));
            for (PoolStatus p : pools) {
                pool.parent.console.out().println(String.format(Locale.ROOT, "%-24s %5d %6d %8d", p.agent(), p.size(),
                        p.available(), p.pid()));
            }
            return 0;
        }
    }

    /** {@code bottle pool stop AGENT}. */
    @Command(name = "stop", description = "Stop AGENT's warm pool: its unclaimed bottles are removed; bottles claimed"
            + " from it are not touched.")
    static final class Stop implements Callable<Integer> {

        @ParentCommand
        PoolCommand pool;

        @Parameters(index = "0", paramLabel = "AGENT")
        String agent;

        @Override
        public Integer call() {
            Optional<PoolStatus> running = pool.parent.runtime().poolStatus().stream()
                    .filter(p -> p.agent().equals(agent)).findFirst();
            if (running.isEmpty()) {
                throw new BottleException("no warm pool of " + agent + " runs on this home; `bottle pool ls` lists"
                        + " them");
            }
            if (!Session.stopHolder(running.get().pid())) {
                pool.parent.console.err().println("process " + running.get().pid() + " did not stop in 30 s and was"
                        + " killed; `bottle cleanup` removes what it left");
                return 1;
            }
            pool.parent.console.err().println("stopped the warm pool of " + agent);
            return 0;
        }
    }
}
