/**
 * The git gate: one per bottle, in the host JVM, bound only where its bottle reaches the host. It serves each of
 * the bottle's git remotes over git's smart HTTP protocol from a per-bottle bare repository that borrows its
 * objects from a mirror shared by every bottle of the same upstream, refreshes that mirror from upstream before
 * every fetch, and forwards pushes upstream over SSH (JGit with Apache MINA SSHD, the upstream host key pinned from
 * the manifest) only after the push policy and the secret scan ({@link dev.botbottle.dlp}) passed.
 *
 * <p>Embedders use {@link dev.botbottle.gitgate.GitGateProvider} (or find it as the {@code gitgate}
 * {@link dev.botbottle.spi.GatewayServiceProvider}). Everything in {@code dev.botbottle.gitgate.internal} may
 * change.
 *
 * @since 0.1
 */
package dev.botbottle.gitgate;
