/**
 * The backend TCK: the behaviours every {@link dev.botbottle.spi.BottleBackend} owes the runtime, written once as
 * abstract JUnit 5 tests. A backend author extends {@link dev.botbottle.testkit.tck.BackendContract}, names the
 * provider and an image, and runs the subclass as an integration test against the real engine.
 *
 * <p>Depends on {@code bottle-spi} and JUnit only.
 *
 * @since 0.1
 */
package dev.botbottle.testkit.tck;
