package dev.botbottle.cli;

import dev.botbottle.core.state.BottleMetadata;
import dev.botbottle.core.supervise.ProposalStore;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.Decision;
import dev.botbottle.spi.Proposal;
import dev.botbottle.spi.ProposedChange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Writes an answer for a proposal, then waits a little for the process holding the bottle to apply it and says
 * what happened; when no process holds the bottle, the answer is applied when it resumes.
 */
final class SuperviseAnswer {

    /** How long an answer waits to see the holder apply it. */
    static final Duration APPLY_WAIT = Duration.ofSeconds(10);

    private final BottleCommand parent;

    SuperviseAnswer(BottleCommand parent) {
        this.parent = parent;
    }

    int decide(ProposalStore store, Proposal proposal, Decision decision) {
        PrintStream out = parent.console.out();
        if (!store.answer(proposal, decision)) {
            throw new BottleException("proposal " + proposal.id() + " was answered by someone else first");
        }
        Optional<BottleMetadata> meta = parent.stateStore().readMetadata(proposal.slug());
        boolean held = meta.filter(m -> m.status() == BottleMetadata.Status.RUNNING
                && m.holder().filter(dev.botbottle.core.state.HostSession::running).isPresent()).isPresent();
        if (!held) {
            out.println("recorded " + verb(decision) + " of " + proposal.id() + "; bottle " + proposal.slug()
                    + " is not running here, so it is applied when the bottle resumes (`bottle resume "
                    + proposal.slug() + "`)");
            return 0;
        }
        long deadline = System.nanoTime() + APPLY_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProposalStore.Done> done = store.done(proposal.slug(), proposal.id());
            if (done.isPresent()) {
                Decision applied = done.get().decision();
                if (applied.outcome() == Decision.Outcome.REJECTED && decision.outcome() != Decision.Outcome.REJECTED) {
                    out.println("proposal " + proposal.id() + " could not be applied: " + applied.note());
                    return 1;
                }
                out.println(verb(decision) + " " + proposal.id() + " (" + SuperviseCommand.summary(
                        decision.granted(proposal).orElse(proposal.change())) + ") for bottle " + proposal.slug()
                        + (proposal.change() instanceof ProposedChange.Route && applied.outcome() != Decision.Outcome.REJECTED
                        ? "; the route is in force now" : ""));
                return 0;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        out.println("recorded " + verb(decision) + " of " + proposal.id() + "; the process holding bottle "
                + proposal.slug() + " (pid " + meta.get().hostPid() + ") has not applied it yet");
        return 0;
    }

    private static String verb(Decision d) {
        return switch (d.outcome()) {
            case APPROVED -> "approved";
            case MODIFIED -> "approved with changes";
            case REJECTED -> "rejected";
        };
    }

    /** {@code bottle supervise approve ID [--note TEXT]}. */
    @Command(name = "approve", description = "Approve a proposal as asked (for a question, --note is the answer).")
    static final class Approve implements Callable<Integer> {
        @ParentCommand
        SuperviseCommand supervise;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Option(names = "--note", paramLabel = "TEXT", description = "words for the agent")
        String note = "";

        @Override
        public Integer call() {
            ProposalStore store = supervise.store();
            Proposal p = SuperviseCommand.pendingProposal(store, id);
            if (p.change() instanceof ProposedChange.Question && note.isBlank()) {
                throw new BottleException("proposal " + id + " is a question: give the answer with --note TEXT");
            }
            return new SuperviseAnswer(supervise.parent).decide(store, p, Decision.approve(note));
        }
    }

    /** {@code bottle supervise modify ID [--note TEXT]}: opens $EDITOR on what is granted. */
    @Command(name = "modify", description = "Grant something else than asked: opens $EDITOR on the proposal"
            + " (a route as host/methods/paths/ports lines, an image change as Dockerfile text), then approves that.")
    static final class Modify implements Callable<Integer> {
        @ParentCommand
        SuperviseCommand supervise;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Option(names = "--note", paramLabel = "TEXT", description = "words for the agent")
        String note = "";

        @Override
        public Integer call() {
            ProposalStore store = supervise.store();
            Proposal p = SuperviseCommand.pendingProposal(store, id);
            if (p.change() instanceof ProposedChange.Question) {
                throw new BottleException("proposal " + id + " is a question: answer it with `bottle supervise approve "
                        + id + " --note TEXT`");
            }
            ProposedChange edited = SuperviseEditor.edit(p.change(), supervise.parent.console.env());
            return new SuperviseAnswer(supervise.parent).decide(store, p, Decision.approveModified(edited, note));
        }
    }

    /** {@code bottle supervise reject ID --reason TEXT}. */
    @Command(name = "reject", description = "Reject a proposal; the agent reads the reason.")
    static final class Reject implements Callable<Integer> {
        @ParentCommand
        SuperviseCommand supervise;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Option(names = "--reason", paramLabel = "TEXT", required = true, description = "why (the agent reads it)")
        String reason;

        @Override
        public Integer call() {
            if (reason.isBlank()) {
                throw new BottleException("--reason must say why; the agent reads it");
            }
            ProposalStore store = supervise.store();
            Proposal p = SuperviseCommand.pendingProposal(store, id.toLowerCase(Locale.ROOT));
            return new SuperviseAnswer(supervise.parent).decide(store, p, Decision.reject(reason));
        }
    }
}
