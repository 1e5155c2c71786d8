package dev.botbottle.spi;

import java.util.Optional;

/**
 * Decides what a bottle's agent asked for through its supervise server. Implemented by the application that
 * embeds the runtime (a UI, a policy, a chat bot) and registered with the runtime; the {@code bottle} CLI uses none
 * and answers through {@code bottle supervise} instead.
 *
 * <p>Contract:
 * <ul>
 *   <li>The runtime calls {@link #decide} on a thread it owns, once for each proposal it holds: when the agent makes
 *       it, and again for every still-pending proposal when a runtime takes the bottle on after a restart. Calls for
 *       different proposals may run at the same time.</li>
 *   <li>{@code decide} may block as long as it likes (waiting for a person); the agent's own wait is bounded
 *       separately and it is told the proposal is still pending. When the proposal is answered elsewhere first
 *       (e.g. by {@code bottle supervise}) or the runtime closes, the thread is interrupted and a later return value
 *       is ignored.</li>
 *   <li>Returning empty leaves the proposal pending for another channel. Throwing leaves it pending too; the
 *       failure is logged.</li>
 *   <li>An approval can only widen the bottle that asked ({@link Proposal#slug()}); the runtime applies it (a route
 *       at once to the running egress gateway, an image change on the next rebuild) and audits it.</li>
 * </ul>
 *
 * @since 0.1
 */
@FunctionalInterface
public interface SupervisorHandler {

    /** Decides nothing: every proposal waits for another channel (the {@code bottle supervise} command). */
    SupervisorHandler NONE = proposal -> Optional.empty();

    /**
     * @param proposal what the agent asks for, and why
     * @return the decision, or empty to leave the proposal pending
     * @throws InterruptedException when the proposal was answered elsewhere or the runtime is closing
     */
    Optional<Decision> decide(Proposal proposal) throws InterruptedException;
}
