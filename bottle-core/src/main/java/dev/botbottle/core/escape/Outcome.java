package dev.botbottle.core.escape;

/**
 * How one attempt of the sandbox-escape catalogue ended.
 *
 * @since 0.3
 */
public enum Outcome {
    /** a control: the allowed path works */
    PASSED,
    /** a control: the allowed path does not work, so the attacks' results prove nothing */
    FAILED,
    /** an attack that failed as it must, and every gateway service it reached audited it */
    BLOCKED,
    /** an attack that got out (or reached what it must not): a hole */
    ESCAPED,
    /** an attack that failed, but a gateway service it reached wrote no audit line for it */
    UNAUDITED,
    /** does not apply to this bottle (the reason says why) */
    NOT_APPLICABLE;

    /** @return whether the outcome makes the suite fail */
    public boolean failing() {
        return this == FAILED || this == ESCAPED || this == UNAUDITED;
    }

    /** @return the word the table shows */
    public String label() {
        return switch (this) {
            case PASSED -> "passed";
            case FAILED -> "FAILED";
            case BLOCKED -> "blocked";
            case ESCAPED -> "ESCAPED";
            case UNAUDITED -> "UNAUDITED";
            case NOT_APPLICABLE -> "n/a";
        };
    }
}
