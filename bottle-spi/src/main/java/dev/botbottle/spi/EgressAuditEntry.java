package dev.botbottle.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One decision of a bottle's egress gateway, as written to its audit log ({@code audit.jsonl}, one JSON object a
 * line). Never carries a secret: credentials are neither in the path (DLP redacts or blocks those) nor in the
 * reason.
 *
 * @param time when the decision was made
 * @param method the HTTP method ({@code CONNECT} for a tunnel decided before any request was seen)
 * @param host the target host, lower case
 * @param path the request path without the query; empty for a tunnel
 * @param route the host pattern of the route that decided, empty when no route matched
 * @param verdict allowed or denied
 * @param reason why, in words the agent or its operator can act on
 * @param status the HTTP status returned to the bottle; 0 when none was (a tunnel, a dropped connection)
 * @param bytesUp body bytes sent from the bottle upstream
 * @param bytesDown body bytes sent from upstream to the bottle
 * @since 0.1
 */
public record EgressAuditEntry(Instant time, String method, String host, String path, String route,
                               Verdict verdict, String reason, int status, long bytesUp, long bytesDown) {

    /** The outcome of a decision. */
    public enum Verdict {
        /** the request or tunnel was forwarded (possibly with a DLP redaction or warning, see the reason) */
        ALLOW,
        /** the request or tunnel was refused */
        DENY
    }

    public EgressAuditEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason");
    }
}
