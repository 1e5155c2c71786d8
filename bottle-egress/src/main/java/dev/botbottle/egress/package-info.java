/**
 * The egress gateway (issue: egress): one per bottle, in the host JVM, bound only where its bottle reaches the host. HTTP proxy with CONNECT, TLS interception with a per-bottle CA, placeholder-to-credential injection, route matching, outbound DLP and a JSON-lines audit log. Will be built on Netty and Bouncy Castle.
 *
 * @since 0.1
 */
package dev.botbottle.egress;
