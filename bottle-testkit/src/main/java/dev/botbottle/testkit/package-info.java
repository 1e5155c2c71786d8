/**
 * JUnit 5 support for people who embed bot-bottle or write plugins. {@link dev.botbottle.testkit.tck} holds the
 * backend contract test kit (TCK): abstract tests every {@link dev.botbottle.spi.BottleBackend} passes;
 * {@link dev.botbottle.testkit.junit} the {@code @BottleTest} extension that launches bottles in tests;
 * {@link dev.botbottle.testkit.audit} assertions on a bottle's egress audit; {@link dev.botbottle.testkit.doubles}
 * a recording bottle and a fake backend for plugin authors.
 *
 * @since 0.1
 */
package dev.botbottle.testkit;
