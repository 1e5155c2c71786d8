/**
 * The gateway program's wire: JSON lines ({@code Wire}, {@code Lines}), the control server and client, the proposal
 * desk relayed to the runtime, and the runtime's stand-in services. Not an API.
 */
package dev.botbottle.gateway.internal;
