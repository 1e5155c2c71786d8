package dev.botbottle.core.provision;

import dev.botbottle.spi.BottleException;

/**
 * A provisioning step failed inside the bottle. The message names the step and quotes the command's stderr.
 *
 * @since 0.1
 */
public class ProvisioningException extends BottleException {
    private static final long serialVersionUID = 1L;

    /** @param message which step failed and what the bottle said */
    public ProvisioningException(String message) {
        super(message);
    }
}
