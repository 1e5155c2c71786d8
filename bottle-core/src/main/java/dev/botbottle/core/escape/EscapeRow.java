package dev.botbottle.core.escape;

import java.util.List;
import java.util.Objects;

/**
 * One row of the sandbox-escape table: an attempt, in which bottle, how it ended and what was seen.
 *
 * @param attempt the attempt
 * @param bottle the slug of the bottle it ran in
 * @param outcome how it ended
 * @param observed what the attacker saw, and what the host-side checks added (audit, listeners, witness)
 * @param audit the audit lines of the gateway services written during the attempt, one line each
 * @since 0.3
 */
public record EscapeRow(Attempt attempt, String bottle, Outcome outcome, String observed, List<String> audit) {

    public EscapeRow {
        Objects.requireNonNull(attempt, "attempt");
        Objects.requireNonNull(bottle, "bottle");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(observed, "observed");
        audit = List.copyOf(audit);
    }
}
