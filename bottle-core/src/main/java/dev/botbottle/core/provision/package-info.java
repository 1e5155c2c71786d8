/**
 * Applying provisioning steps inside a bottle, batched so many small files and commands cost one exec.
 *
 * @since 0.1
 */
package dev.botbottle.core.provision;
