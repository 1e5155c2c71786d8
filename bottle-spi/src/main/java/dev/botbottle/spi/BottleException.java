package dev.botbottle.spi;

/**
 * Root of every exception bot-bottle and its plugins throw on purpose.
 *
 * <p>Messages say what failed, quote the offending value (never a secret) and say what to do next.
 * They are shown to the person at the keyboard as they are, without a stack trace.
 *
 * @since 0.1
 */
public class BottleException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and what to do about it; never a secret */
    public BottleException(String message) {
        super(message);
    }

    /**
     * @param message what failed and what to do about it; never a secret
     * @param cause the underlying failure
     */
    public BottleException(String message, Throwable cause) {
        super(message, cause);
    }
}
