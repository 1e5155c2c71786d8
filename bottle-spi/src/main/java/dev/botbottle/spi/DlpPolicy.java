package dev.botbottle.spi;

import java.util.Objects;

/**
 * What the egress gateway does when outbound traffic on a route carries a secret.
 *
 * @param onMatch the action on a hit
 * @param enabled whether outbound scanning runs at all on this route
 * @since 0.1
 */
public record DlpPolicy(Action onMatch, boolean enabled) {

    /** Scanning on, blocking on a hit. */
    public static final DlpPolicy DEFAULT = new DlpPolicy(Action.BLOCK, true);

    /** The action on a DLP hit. */
    public enum Action {
        /** refuse the request with 403 naming the rule */
        BLOCK,
        /** replace the secret with a marker and forward */
        REDACT,
        /** forward unchanged and record the hit in the audit log */
        WARN
    }

    public DlpPolicy {
        Objects.requireNonNull(onMatch, "onMatch");
    }
}
