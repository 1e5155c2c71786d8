/**
 * The Gitea (and Forgejo) deploy-key provisioner (a later issue): registers a per-bottle ed25519 key through the deploy-key API at prepare and deletes it at teardown.
 *
 * @since 0.1
 */
package dev.botbottle.contrib.gitea;
