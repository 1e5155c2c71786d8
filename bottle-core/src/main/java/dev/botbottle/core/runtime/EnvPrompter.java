package dev.botbottle.core.runtime;

import dev.botbottle.spi.Secret;

/**
 * Asks the person at the keyboard for an env value the manifest declares as {@code "?"} / {@code "?message"}.
 * The answer is handed to the bottle at exec time and never written anywhere.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface EnvPrompter {

    /** A prompter for hosts that cannot ask: every prompted value fails the launch with a clear message. */
    EnvPrompter NONE = (name, message) -> {
        throw new dev.botbottle.spi.CredentialException("env " + name + " must be typed in at launch ("
                + (message.isEmpty() ? "declared as \"?\"" : message) + "), but this host cannot prompt;"
                + " run interactively or give it a ${HOST_VAR} value instead");
    };

    /**
     * @param name the variable's name
     * @param message the manifest's message, empty for none
     * @return the value typed in
     */
    Secret ask(String name, String message);
}
