package dev.botbottle.spi;

/**
 * Who owns a file placed in a bottle.
 *
 * @since 0.1
 */
public enum FileOwner {
    /** the bottle's agent user (see {@link Bottle#agentUser()}) */
    AGENT,
    /** root */
    ROOT
}
