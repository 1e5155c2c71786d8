/**
 * Runnable examples: embedding the runtime, a third-party agent provider plugin, a test harness.
 *
 * @since 0.1
 */
package dev.botbottle.examples;
