/**
 * An example third-party agent provider plugin ({@link dev.botbottle.examples.echo.EchoProvider}, template
 * {@code echo}), registered through {@code META-INF/services} like any plugin jar.
 *
 * @since 0.1
 */
package dev.botbottle.examples.echo;
