package dev.botbottle.core.runtime;

import java.util.Objects;

/**
 * A deploy key a bottle registered with a forge and that has not been deleted yet: the bottle still exists, or its
 * teardown could not reach the forge ({@code bottle cleanup} tries again; {@code bottle doctor} lists these).
 *
 * @param slug the bottle
 * @param remote the git remote the key was made for
 * @param provider the deploy-key provisioner, e.g. {@code gitea}
 * @param repository the repository it is registered on, as the provisioner names it
 * @param id the forge's id of the key
 * @param title the key's title on the forge
 * @since 0.1
 */
public record PendingDeployKey(String slug, String remote, String provider, String repository, String id,
                               String title) {
    public PendingDeployKey {
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
    }
}
