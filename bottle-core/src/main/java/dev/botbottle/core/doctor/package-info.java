/**
 * {@code bottle doctor}: one report of everything a bottle needs on this host, from every installed plugin's own
 * checks, the host's CA bundle and the state directory.
 *
 * @since 0.2
 */
package dev.botbottle.core.doctor;
