/**
 * The bottle lifecycle: {@link dev.botbottle.core.runtime.BottleRuntime} launches a planned bottle (state,
 * gateway services, backend, provisioning), stops, resumes, tears down and cleans up.
 *
 * @since 0.1
 */
package dev.botbottle.core.runtime;
