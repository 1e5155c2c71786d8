package dev.botbottle.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One decision of a gateway service other than the egress gateway (whose decisions are {@link EgressAuditEntry}):
 * the git gate refusing a request without the bottle's secret or a push against the policy, the supervise server
 * refusing a request without the bottle's bearer or filing a proposal. Never carries a secret.
 *
 * @param time when the decision was made
 * @param service the service's name ({@code gitgate}, {@code supervise})
 * @param action what the bottle asked for, e.g. {@code fetch}, {@code push}, {@code tools/call}
 * @param subject what it was about, e.g. a remote and ref ({@code origin refs/heads/main}) or a tool name; {@code -}
 *                when the request named nothing the service knows
 * @param verdict allowed or denied
 * @param status the HTTP status answered, 0 when the protocol answers in its own terms (a rejected ref of a push)
 * @param reason why, in words the operator can act on
 * @since 0.3
 */
public record GatewayAuditEntry(Instant time, String service, String action, String subject, Verdict verdict,
                                int status, String reason) {

    /** The outcome of a decision. */
    public enum Verdict {
        /** served */
        ALLOW,
        /** refused */
        DENY
    }

    public GatewayAuditEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * @param service the service
     * @param action what was asked
     * @param subject what about
     * @param status the HTTP status answered
     * @param reason why it was served
     * @return an entry of a served request, dated now
     */
    public static GatewayAuditEntry allow(String service, String action, String subject, int status, String reason) {
        return new GatewayAuditEntry(Instant.now(), service, action, subject, Verdict.ALLOW, status, reason);
    }

    /**
     * @param service the service
     * @param action what was asked
     * @param subject what about
     * @param status the HTTP status answered (0 when refused inside the protocol)
     * @param reason why it was refused
     * @return an entry of a refused request, dated now
     */
    public static GatewayAuditEntry deny(String service, String action, String subject, int status, String reason) {
        return new GatewayAuditEntry(Instant.now(), service, action, subject, Verdict.DENY, status, reason);
    }

    /** @return the entry on one line, for people and for matching: {@code DENY 401 fetch origin: reason} */
    public String summary() {
        return verdict + " " + status + " " + action + " " + subject + ": " + reason;
    }
}
