/**
 * The Docker backend of bot-bottle. Only {@link dev.botbottle.backend.docker.DockerBackendProvider} is public; it
 * is found through {@link java.util.ServiceLoader} under the name {@code docker}.
 *
 * @since 0.1
 */
package dev.botbottle.backend.docker;
