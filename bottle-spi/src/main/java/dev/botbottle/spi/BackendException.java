package dev.botbottle.spi;

/**
 * A backend could not do what was asked (create, start, exec, copy, stop, teardown).
 *
 * <p>Backends that drive a CLI include that tool's stderr in the message.
 *
 * @since 0.1
 */
public class BackendException extends BottleException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed, including the engine's own words */
    public BackendException(String message) {
        super(message);
    }

    /**
     * @param message what failed, including the engine's own words
     * @param cause the underlying failure
     */
    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
