/**
 * The plugin contracts of bot-bottle and the immutable value types they exchange.
 *
 * <p>Plugin authors implement {@link dev.botbottle.spi.BackendProvider},
 * {@link dev.botbottle.spi.AgentProvider}, {@link dev.botbottle.spi.DeployKeyProvisionerFactory} or
 * {@link dev.botbottle.spi.GatewayServiceProvider} and register the implementation in
 * {@code META-INF/services/<interface name>}; the runtime finds it with {@link java.util.ServiceLoader}.
 * This package depends on the JDK only, so a plugin pulls in nothing it did not ask for.
 *
 * <p>Conventions: value types are records whose constructors reject {@code null} and copy collections;
 * absent values are {@link java.util.Optional} components or empty collections. Failures are
 * {@link dev.botbottle.spi.BottleException} or one of its subtypes, with messages written for the person
 * at the keyboard and never containing a secret.
 *
 * @since 0.1
 */
package dev.botbottle.spi;
