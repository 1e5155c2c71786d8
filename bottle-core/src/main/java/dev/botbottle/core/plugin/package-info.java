/**
 * Finding plugins: backends, agent providers, deploy-key provisioners and gateway services, through
 * {@link java.util.ServiceLoader} or registered directly by the host.
 *
 * @since 0.1
 */
package dev.botbottle.core.plugin;
