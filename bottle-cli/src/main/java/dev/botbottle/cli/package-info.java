/**
 * The {@code bottle} command: validate manifests, show plans, launch, exec, stop, resume, remove and clean up
 * bottles. Built on picocli; the only module that writes to the console and configures logging.
 *
 * @since 0.1
 */
package dev.botbottle.cli;
