package dev.botbottle.spi;

/**
 * What an engine says of a bottle's objects, as opposed to what the runtime last recorded: a container can exit
 * under a running bottle (an engine restart, an OOM kill) without any runtime noticing.
 *
 * <p>Enums of the SPI may gain constants in a minor version (ADR 11): switch with a default.
 *
 * @see BottleBackend#states()
 * @since 0.2
 */
public enum EngineState {
    /** the bottle exists and runs (commands can be executed in it) */
    RUNNING,
    /** the bottle exists but does not run (stopped, exited, paused) */
    STOPPED,
    /** some of the bottle's objects exist but not the bottle itself (a network or firewall chain left over) */
    INCOMPLETE,
    /** the backend finds no object of the bottle (the runtime reports this for slugs {@code states()} leaves out) */
    ABSENT,
    /** the backend cannot tell */
    UNKNOWN;

    /** @return the lower-case name, for {@code ps} */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
