package dev.botbottle.core.plan;

import dev.botbottle.spi.BottleException;

/**
 * A plan could not be made: an unknown agent, a missing skill, no image for the backend. The message says what
 * to change.
 *
 * @since 0.1
 */
public class PlanningException extends BottleException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and how to fix it */
    public PlanningException(String message) {
        super(message);
    }
}
