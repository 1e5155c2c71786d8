/**
 * The Gitea (and Forgejo) deploy-key provisioner, found through {@link java.util.ServiceLoader} as {@code gitea}:
 * registers a bottle's ed25519 key on one repository through {@code /api/v1/repos/{owner}/{repo}/keys} at prepare
 * and deletes it at teardown. Settings: {@code api_url}, {@code repository} ({@code owner/name}) and
 * {@code token_env} (the name of the host variable holding the API token).
 *
 * @since 0.1
 */
package dev.botbottle.contrib.gitea;
