/**
 * The {@code smolvm} backend: bottles as libkrun microVMs driven through the smolvm CLI. Only
 * {@link dev.botbottle.backend.smolvm.SmolvmBackendProvider} is public.
 *
 * @since 0.1
 */
package dev.botbottle.backend.smolvm;
