package dev.botbottle.spi;

import java.util.Objects;

/**
 * A deploy key registered with a forge.
 *
 * @param id the forge's id of the key, used to delete it
 * @param repository the repository it was registered on, as the provisioner names it ({@code owner/name})
 * @param title the key's title, normally the bottle's slug
 * @param publicKey the OpenSSH public key line
 * @since 0.1
 */
public record DeployKey(String id, String repository, String title, String publicKey) {
    public DeployKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(publicKey, "publicKey");
    }
}
