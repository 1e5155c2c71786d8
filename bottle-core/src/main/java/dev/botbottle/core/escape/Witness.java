package dev.botbottle.core.escape;

import java.util.List;

/**
 * Someone outside the bottle who can tell what got out: a recording upstream, a resolver that notes the names it
 * was asked, an SSH server's refs. The integration suite has one; {@code bottle doctor --escape-test} does not (its
 * upstreams are the real ones), so it relies on what the bottle sees and on the gateways' audit.
 *
 * <p>Called on the runner's thread, once before and once after each attempt.
 *
 * @since 0.3
 */
public interface Witness {

    /** A witness that sees nothing. */
    Witness NONE = (attempt, tags) -> List.of();

    /**
     * Called before an attempt runs (a witness clears what it recorded so far).
     *
     * @param attempt the attempt about to run
     */
    default void before(Attempt attempt) {
    }

    /**
     * Called after an attempt ran.
     *
     * @param attempt the attempt
     * @param tags the {@code BBX WITNESS} tags the script printed during it
     * @return for an attack, what the outside received that it must not have (each makes the attempt
     *         {@link Outcome#ESCAPED}); for a control, what the outside should have received and did not (each makes
     *         it {@link Outcome#FAILED}); empty when all is as it must be or this witness cannot tell
     */
    List<String> check(Attempt attempt, List<String> tags);
}
