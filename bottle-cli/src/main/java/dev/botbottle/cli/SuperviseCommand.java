package dev.botbottle.cli;

import dev.botbottle.core.plan.PlanRenderer;
import dev.botbottle.core.supervise.ProposalStore;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.Decision;
import dev.botbottle.spi.Proposal;
import dev.botbottle.spi.ProposedChange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code bottle supervise}: what agents asked for through their supervise servers, across every bottle, answered
 * here. Works from any terminal: answers are files in the bottle's state that the process holding the bottle
 * applies (or the next resume, when none does).
 */
@Command(name = "supervise", description = "List what agents asked for (routes, image changes, questions) and"
        + " approve, modify or reject it. Without a terminal or with --once: print pending proposals and exit.",
        subcommands = {SuperviseAnswer.Approve.class, SuperviseAnswer.Modify.class, SuperviseAnswer.Reject.class})
final class SuperviseCommand implements Callable<Integer> {

    @ParentCommand
    BottleCommand parent;

    @Option(names = "--once", description = "print the pending proposals and exit")
    boolean once;

    @Override
    public Integer call() throws IOException {
        ProposalStore store = store();
        if (once || !parent.console.interactive()) {
            List<Proposal> pending = store.pending();
            print(pending, parent.console.out());
            if (!pending.isEmpty()) {
                parent.console.err().println("answer with `bottle supervise approve ID`, `bottle supervise modify ID`"
                        + " or `bottle supervise reject ID --reason TEXT`");
            }
            return 0;
        }
        return interactive(store);
    }

    ProposalStore store() {
        return new ProposalStore(parent.stateStore());
    }

    private int interactive(ProposalStore store) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = parent.console.out();
        boolean told = false;
        java.util.Set<String> skipped = new java.util.HashSet<>();
        while (true) {
            List<Proposal> pending = store.pending().stream().filter(x -> !skipped.contains(x.id())).toList();
            if (pending.isEmpty()) {
                if (!told) {
                    out.println("no pending proposals; waiting for agents to ask (Ctrl-C to stop)");
                    told = true;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 130;
                }
                continue;
            }
            told = false;
            Proposal p = pending.get(0);
            out.println();
            out.println(pending.size() + " pending; oldest first:");
            describe(p, out);
            out.print(p.change() instanceof ProposedChange.Question
                    ? "[a]nswer, [r]eject, [s]kip, [q]uit? " : "[a]pprove, [m]odify, [r]eject, [s]kip, [q]uit? ");
            out.flush();
            String choice = in.readLine();
            if (choice == null || choice.strip().equalsIgnoreCase("q")) {
                return 0;
            }
            SuperviseAnswer answer = new SuperviseAnswer(parent);
            switch (choice.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "a" -> {
                    String note = ask(in, out, p.change() instanceof ProposedChange.Question ? "answer: " : "note for the agent (optional): ");
                    answer.decide(store, p, Decision.approve(note));
                }
                case "m" -> {
                    if (p.change() instanceof ProposedChange.Question) {
                        out.println("a question is answered with [a]");
                        continue;
                    }
                    ProposedChange edited = SuperviseEditor.edit(p.change(), parent.console.env());
                    answer.decide(store, p, Decision.approveModified(edited, ask(in, out, "note for the agent (optional): ")));
                }
                case "r" -> {
                    String reason = ask(in, out, "reason (the agent reads it): ");
                    if (reason.isBlank()) {
                        out.println("a rejection needs a reason");
                        continue;
                    }
                    answer.decide(store, p, Decision.reject(reason));
                }
                case "s" -> skipped.add(p.id()); // it stays pending for another session or command
                default -> out.println("type a, m, r, s or q");
            }
        }
    }

    private static String ask(BufferedReader in, PrintStream out, String prompt) throws IOException {
        out.print(prompt);
        out.flush();
        String line = in.readLine();
        return line == null ? "" : line.strip();
    }

    static void print(List<Proposal> pending, PrintStream out) {
        if (pending.isEmpty()) {
            out.println("no pending proposals");
            return;
        }
        out.printf("%-10s %-20s %-6s %s%n", "ID", "BOTTLE", "AGE", "WHAT");
        for (Proposal p : pending) {
            out.printf("%-10s %-20s %-6s %s%n", p.id(), p.slug(), age(p.createdAt()), summary(p.change()));
            if (!p.justification().isBlank()) {
                out.printf("%-10s %-20s %-6s why: %s%n", "", "", "", oneLine(p.justification()));
            }
        }
    }

    static void describe(Proposal p, PrintStream out) {
        out.println("proposal " + p.id() + " from bottle " + p.slug() + " (" + age(p.createdAt()) + " ago)");
        if (p.change() instanceof ProposedChange.Route r) {
            out.println("  wants egress route: " + PlanRenderer.route(r.route()));
        } else if (p.change() instanceof ProposedChange.Image i) {
            out.println("  wants image change (applied on the next rebuild):");
            i.dockerfile().lines().forEach(l -> out.println("    " + l));
        } else if (p.change() instanceof ProposedChange.Question q) {
            out.println("  asks: " + q.text());
        }
        if (!p.justification().isBlank()) {
            out.println("  why: " + p.justification());
        }
    }

    static String summary(ProposedChange change) {
        return change instanceof ProposedChange.Route r ? "egress route " + PlanRenderer.route(r.route()) : change.summary();
    }

    private static String oneLine(String text) {
        String s = text.strip().replaceAll("\\s+", " ");
        return s.length() > 100 ? s.substring(0, 97) + "..." : s;
    }

    private static String age(Instant created) {
        Duration d = Duration.between(created, Instant.now());
        if (d.toMinutes() < 1) {
            return d.toSeconds() + "s";
        }
        return d.toHours() < 1 ? d.toMinutes() + "m" : d.toHours() < 48 ? d.toHours() + "h" : d.toDays() + "d";
    }

    static Proposal pendingProposal(ProposalStore store, String id) {
        Proposal p = store.find(id).orElseThrow(() -> new BottleException("no proposal " + id
                + "; `bottle supervise --once` lists the pending ones"));
        Optional<ProposalStore.Done> done = store.done(p.slug(), p.id());
        if (done.isPresent() || store.answer(p.slug(), p.id()).isPresent()) {
            throw new BottleException("proposal " + id + " of bottle " + p.slug() + " is already answered"
                    + done.map(d -> " (" + d.decision().outcome().name().toLowerCase(java.util.Locale.ROOT) + ")").orElse(""));
        }
        return p;
    }
}
