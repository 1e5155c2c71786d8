/**
 * Outbound data-loss prevention: rules for well-known secret formats and a scanner that also looks for a bottle's
 * own credential values. Used by the egress gateway on intercepted requests and reusable by the git gate.
 *
 * @since 0.1
 */
package dev.botbottle.egress.dlp;
