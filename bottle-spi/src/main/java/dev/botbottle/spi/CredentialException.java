package dev.botbottle.spi;

/**
 * A credential the bottle needs could not be resolved at prepare time: a missing host variable, a missing,
 * malformed or expired provider login. The message names the variable or file, never the value.
 *
 * @since 0.1
 */
public class CredentialException extends BottleException {
    private static final long serialVersionUID = 1L;

    /** @param message which credential is missing or unusable and how to provide it */
    public CredentialException(String message) {
        super(message);
    }
}
