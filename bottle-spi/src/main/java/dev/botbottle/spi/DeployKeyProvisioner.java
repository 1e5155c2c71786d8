package dev.botbottle.spi;

/**
 * Registers and removes deploy keys on one forge, for one configuration.
 *
 * <p>Created by a {@link DeployKeyProvisionerFactory}. The runtime calls {@link #create} at prepare (once per
 * remote with a {@code provisioned_key}) and {@link #delete} at teardown, after the bottle has stopped. A failed
 * delete is an error the runtime reports, never swallows.
 *
 * @since 0.1
 */
public interface DeployKeyProvisioner {

    /**
     * Registers a public key.
     *
     * @param title the key's title, normally the bottle's slug
     * @param publicKey an OpenSSH public key line ({@code ssh-ed25519 AAAA... comment})
     * @param readOnly whether the key may only fetch
     * @return the registered key, carrying the id {@link #delete} needs
     * @throws BottleException when the forge refuses (a collision, bad credentials) — the message says which
     */
    DeployKey create(String title, String publicKey, boolean readOnly);

    /**
     * Removes a key. Idempotent: a key that is already gone counts as deleted.
     *
     * @param key a key returned by {@link #create}
     * @throws BottleException when the forge could not be told (network, credentials)
     */
    void delete(DeployKey key);
}
