package dev.botbottle.core.runtime;

/**
 * The phases a {@link BottleListener} is told about, in the order a launch goes through them.
 *
 * <p>A launch is {@link #PREPARE}, {@link #NETWORK}, {@link #GATEWAYS}, {@link #CREATE}, {@link #START},
 * {@link #PROVISION}; the sum of their durations is the launch's. A resume is {@link #GATEWAYS}, {@link #RESUME},
 * {@link #PROVISION}; a launch served by a warm pool is {@link #CLAIM} alone. More constants may come in a minor version.
 *
 * @since 0.2
 */
public enum LaunchPhase {
    /** checks without side effects: provider availability, credentials and env values, state written */
    PREPARE,
    /** the backend's isolation boundary (for Docker: the internal network) */
    NETWORK,
    /** the gateway services started where the bottle reaches the host */
    GATEWAYS,
    /** the bottle created (its image built first when missing) with the host firewall in force */
    CREATE,
    /** the bottle started and ready for commands */
    START,
    /** the provisioning steps applied */
    PROVISION,
    /**
     * a bottle taken from a warm pool and bound to the task: routes, credentials and workspace
     *
     * @since 0.3
     */
    CLAIM,
    /** a stopped bottle brought back (or rebuilt with approved image changes) */
    RESUME,
    /** a bottle stopped and kept */
    STOP,
    /** a bottle removed: engine objects, gateways and state */
    TEARDOWN
}
