package dev.botbottle.spi;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The runtime's side of one bottle's supervise server: where the server files what the agent asks for and waits
 * for the answer. Handed to the {@code supervise} {@link GatewayServiceProvider} in {@link GatewayRequest#proposals()};
 * the runtime implements it (persisting proposals in the bottle's state, asking its {@link SupervisorHandler},
 * applying and auditing approvals). Implementations are thread-safe.
 *
 * @since 0.1
 */
public interface ProposalDesk {

    /** A desk that takes nothing: for gateways started without a runtime behind them. */
    ProposalDesk NONE = new ProposalDesk() {
        @Override
        public Proposal submit(ProposedChange change, String justification) {
            throw new BottleException("this bottle's supervise server has no runtime behind it to take proposals");
        }

        @Override
        public Optional<Decision> await(String proposalId, Duration timeout) {
            throw new IllegalArgumentException("no proposal " + proposalId + " in this bottle");
        }

        @Override
        public Optional<Proposal> find(String proposalId) {
            return Optional.empty();
        }

        @Override
        public List<EgressRoute> routes() {
            return List.of();
        }
    };

    /**
     * Files a proposal of this desk's bottle (the bottle is the desk's, never an argument).
     *
     * @param change what the agent asks for
     * @param justification why, in the agent's words
     * @return the proposal as filed, with its id
     * @throws IllegalArgumentException when the change is invalid or could not widen the bottle (the message says
     *                                  why, for the agent)
     * @throws BottleException when the bottle has too many pending proposals or the state cannot be written
     */
    Proposal submit(ProposedChange change, String justification);

    /**
     * Waits for the decision on one of this bottle's proposals, once it has been applied.
     *
     * @param proposalId the proposal
     * @param timeout how long to wait at most
     * @return the decision, or empty when it is still pending after {@code timeout}
     * @throws IllegalArgumentException when this bottle has no such proposal
     * @throws InterruptedException when the waiting thread is interrupted
     */
    Optional<Decision> await(String proposalId, Duration timeout) throws InterruptedException;

    /**
     * @param proposalId a proposal id
     * @return this bottle's proposal with that id, pending or answered; empty for another bottle's or an unknown id
     */
    Optional<Proposal> find(String proposalId);

    /** @return the bottle's egress routes in force now */
    List<EgressRoute> routes();
}
