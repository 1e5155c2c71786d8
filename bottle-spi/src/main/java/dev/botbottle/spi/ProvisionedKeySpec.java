package dev.botbottle.spi;

import java.util.Map;
import java.util.Objects;

/**
 * How to provision a per-bottle deploy key for a git remote.
 *
 * @param provider the {@link DeployKeyProvisionerFactory#name() name} of the provisioner, e.g. {@code gitea}
 * @param settings provider-specific settings from the manifest (API URL, repository, the name of the host
 *                 variable holding the API token); never a secret value
 * @since 0.1
 */
public record ProvisionedKeySpec(String provider, Map<String, String> settings) {
    public ProvisionedKeySpec {
        Objects.requireNonNull(provider, "provider");
        settings = Map.copyOf(settings);
    }
}
