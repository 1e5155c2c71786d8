package dev.botbottle.core.runtime;

import dev.botbottle.spi.EgressAuditEntry;

import java.time.Duration;

/**
 * Observes what a {@link BottleRuntime} does to its bottles: each lifecycle phase with how long it took, each egress
 * decision of a bottle it holds as it is made, and each bottle it removed because its holder had died.
 *
 * <p>Every method has an empty default, so a listener implements only what it needs, and methods added later do not
 * break it. Called on the runtime's threads (egress decisions on the gateway's, in order per bottle); a listener
 * returns quickly, does not block and does not throw (what it throws is logged and ignored).
 *
 * <pre>{@code
 * BottleListener timings = new BottleListener() {
 *     @Override
 *     public void phase(String slug, LaunchPhase phase, Duration took) {
 *         System.out.printf("%s %s %d ms%n", slug, phase, took.toMillis());
 *     }
 * };
 * }</pre>
 *
 * @since 0.2
 */
public interface BottleListener {

    /** A listener that ignores everything. */
    BottleListener NONE = new BottleListener() {
    };

    /**
     * A phase of a launch, resume, stop or teardown finished (successfully: a failed phase is reported by the
     * exception the operation throws).
     *
     * @param slug the bottle
     * @param phase the phase
     * @param took how long it took, measured with {@link System#nanoTime()}
     */
    default void phase(String slug, LaunchPhase phase, Duration took) {
    }

    /**
     * The egress gateway of a bottle this runtime holds decided a request or tunnel.
     *
     * @param slug the bottle
     * @param entry the decision, as written to the bottle's audit log; never carries a secret
     */
    default void egress(String slug, EgressAuditEntry entry) {
    }

    /**
     * A bottle was removed because the process that held it died without letting go (killed, crashed) and it was not
     * preserved.
     *
     * @param slug the bottle
     * @param why what was found, e.g. "its holder process 4242 is gone"
     */
    default void reaped(String slug, String why) {
    }
}
