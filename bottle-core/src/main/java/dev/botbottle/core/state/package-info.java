/**
 * Persisted bottle state: what must survive the host process (metadata, the plan, gateway ports, the preserve
 * marker), behind the {@link dev.botbottle.core.state.StateStore} interface whose first implementation is the
 * state directory {@code $BOT_BOTTLE_HOME/state/<slug>/}.
 *
 * @since 0.1
 */
package dev.botbottle.core.state;
