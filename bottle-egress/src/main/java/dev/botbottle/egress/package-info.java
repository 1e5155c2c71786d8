/**
 * The egress gateway: one per bottle, in the host JVM, bound only where its bottle reaches the host. An HTTP proxy
 * with CONNECT, TLS interception with a per-bottle CA, placeholder-to-credential injection, route matching,
 * outbound DLP ({@link dev.botbottle.dlp}) and a JSON-lines audit log. Built on Netty and Bouncy Castle.
 *
 * <p>Embedders use {@link dev.botbottle.egress.EgressGatewayProvider} (or find it as the {@code egress}
 * {@link dev.botbottle.spi.GatewayServiceProvider}) and control a running gateway through
 * {@link dev.botbottle.spi.EgressControl}. Everything in {@code dev.botbottle.egress.internal} may change.
 *
 * @since 0.1
 */
package dev.botbottle.egress;
