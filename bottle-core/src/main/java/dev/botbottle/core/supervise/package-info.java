/**
 * The runtime's side of supervise: proposals and answers kept as atomically written files in each bottle's state
 * directory (so another process — {@code bottle supervise} — can list and answer them, and they survive a host
 * restart), the {@link dev.botbottle.core.supervise.Supervisor} that asks the host's
 * {@link dev.botbottle.spi.SupervisorHandler} and applies approvals, and the audit of both.
 *
 * @since 0.1
 */
package dev.botbottle.core.supervise;
