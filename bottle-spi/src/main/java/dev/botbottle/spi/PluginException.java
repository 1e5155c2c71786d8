package dev.botbottle.spi;

/**
 * A plugin could not be found, loaded or used: an unknown name (the message lists the available ones),
 * two plugins claiming the same name, a broken plugin jar, or a plugin that reports itself unavailable.
 *
 * @since 0.1
 */
public class PluginException extends BottleException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and which plugins are available */
    public PluginException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong and which plugins are available
     * @param cause the underlying failure
     */
    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
