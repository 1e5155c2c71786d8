package dev.botbottle.gitgate.internal;

/** Why the gate could not do what git asked; the message is for the agent's terminal (it reaches git's stderr). */
public final class GateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and what to do, never a secret */
    public GateException(String message) {
        super(message);
    }

    /** @param message what failed and what to do, never a secret @param cause the cause */
    public GateException(String message, Throwable cause) {
        super(message, cause);
    }
}
