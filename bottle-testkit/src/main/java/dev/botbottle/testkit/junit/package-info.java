/**
 * JUnit 5 support for test suites that use bottles: {@link dev.botbottle.testkit.junit.BottleTest} with
 * {@link dev.botbottle.testkit.junit.Bottled} fields and parameters, launched before a test (or once per class) and
 * torn down after, however it ends.
 *
 * @since 0.2
 */
package dev.botbottle.testkit.junit;
