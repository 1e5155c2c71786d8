package dev.botbottle.spi;

import java.util.Map;

/**
 * Makes {@link DeployKeyProvisioner}s for one forge type; found with {@link java.util.ServiceLoader} and
 * selected by {@link #name()} ({@code provisioned_key.provider} in the manifest).
 *
 * @since 0.1
 */
public interface DeployKeyProvisionerFactory {

    /** @return the provider name used in manifests, e.g. {@code gitea}; lower case, stable */
    String name();

    /** @return whether this provisioner can work on this host, and if not why */
    default Availability availability() {
        return Availability.ok();
    }

    /**
     * @param settings the {@code provisioned_key} settings of one remote (URL, repository, token variable name)
     * @param credentials resolves the names of token variables found in {@code settings}
     * @return a provisioner for that configuration
     * @throws BottleException when the settings are incomplete — the message names the missing key
     */
    DeployKeyProvisioner create(Map<String, String> settings, CredentialSource credentials);
}
