/**
 * Outbound data-loss prevention: rules for well-known secret formats and a scanner that also looks for a bottle's
 * own credential values. Shared by the egress gateway (intercepted requests) and the git gate (pushed commits), so both find the same secrets.
 *
 * @since 0.1
 */
package dev.botbottle.dlp;
