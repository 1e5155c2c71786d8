/**
 * JUnit 5 support for people who embed bot-bottle or write plugins. {@link dev.botbottle.testkit.tck} holds the
 * backend contract test kit (TCK): abstract tests every {@link dev.botbottle.spi.BottleBackend} passes.
 *
 * @since 0.1
 */
package dev.botbottle.testkit;
