/**
 * A bottle's gateway services out of the runtime's JVM (DESIGN §12, ADR 60).
 *
 * <p>{@link dev.botbottle.gateway.GatewayMain} is the gateway program: it reads a
 * {@link dev.botbottle.gateway.GatewayConfig} and the credentials on its standard input, runs egress, git gate and
 * supervise for one bottle, and answers its runtime on a token-guarded Unix socket.
 * {@link dev.botbottle.gateway.ProcessGatewayLauncher} is the runtime's side (a
 * {@link dev.botbottle.spi.GatewayLauncher} found with ServiceLoader): it starts the program through a backend's
 * {@link dev.botbottle.spi.GatewayRunner} and hands back stand-ins implementing the SPI's service interfaces.
 * Everything in {@code dev.botbottle.gateway.internal} may change.
 *
 * @since 0.3
 */
package dev.botbottle.gateway;
