package dev.botbottle.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * The operator's answer to a {@link Proposal}: approve it as asked, approve something else instead (narrower, or
 * for a question simply the answer), or reject it — each with a note the agent reads.
 *
 * @param outcome approved, approved with changes, or rejected
 * @param note the operator's words to the agent (for a question: the answer); may be empty, never a secret
 * @param modified for {@link Outcome#MODIFIED}, what is granted instead of what was asked; empty otherwise
 * @since 0.1
 */
public record Decision(Outcome outcome, String note, Optional<ProposedChange> modified) {

    /** How a proposal was answered. */
    public enum Outcome {
        /** granted as asked */
        APPROVED,
        /** granted with the operator's changes ({@link Decision#modified()}) */
        MODIFIED,
        /** refused */
        REJECTED
    }

    public Decision {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(note, "note");
        Objects.requireNonNull(modified, "modified");
        if ((outcome == Outcome.MODIFIED) != modified.isPresent()) {
            throw new IllegalArgumentException("a decision carries a modified change exactly when it is MODIFIED");
        }
    }

    /** @param note words for the agent @return an approval as asked */
    public static Decision approve(String note) {
        return new Decision(Outcome.APPROVED, note, Optional.empty());
    }

    /** @param change what is granted instead @param note words for the agent @return an approval with changes */
    public static Decision approveModified(ProposedChange change, String note) {
        return new Decision(Outcome.MODIFIED, note, Optional.of(change));
    }

    /** @param note why, for the agent @return a rejection */
    public static Decision reject(String note) {
        return new Decision(Outcome.REJECTED, note, Optional.empty());
    }

    /**
     * @param proposal the proposal this decision answers
     * @return what is granted: the modified change, the proposal's own change when approved, empty when rejected
     */
    public Optional<ProposedChange> granted(Proposal proposal) {
        return switch (outcome) {
            case APPROVED -> Optional.of(proposal.change());
            case MODIFIED -> modified;
            case REJECTED -> Optional.empty();
        };
    }
}
