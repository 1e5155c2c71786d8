package dev.botbottle.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * One finding of a plugin's self-check, for {@code bottle doctor}: what was checked, how it stands, and the command
 * that fixes it when it does not.
 *
 * @param subject what was checked, e.g. {@code docker engine}, {@code runsc}, {@code image bot-bottle/base:bookworm}
 * @param severity how it stands
 * @param detail what was found, for a person (a version, a reason); never a secret
 * @param fix what to run or do when it is not fine
 * @since 0.2
 */
public record Diagnostic(String subject, Severity severity, String detail, Optional<String> fix) {

    /** How a finding stands. */
    public enum Severity {
        /** fine */
        OK,
        /** fine, but worth knowing (an image built at first launch) */
        INFO,
        /** works, with a protection or a convenience missing (no gVisor) */
        WARNING,
        /** the default bottle cannot launch until it is fixed */
        PROBLEM
    }

    public Diagnostic {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(fix, "fix");
    }

    /** @param subject what @param detail what was found @return a fine finding */
    public static Diagnostic ok(String subject, String detail) {
        return new Diagnostic(subject, Severity.OK, detail, Optional.empty());
    }

    /** @param subject what @param detail what was found @return a finding worth knowing */
    public static Diagnostic info(String subject, String detail) {
        return new Diagnostic(subject, Severity.INFO, detail, Optional.empty());
    }

    /** @param subject what @param detail what is missing @param fix how to get it @return a warning */
    public static Diagnostic warning(String subject, String detail, String fix) {
        return new Diagnostic(subject, Severity.WARNING, detail, Optional.of(fix));
    }

    /** @param subject what @param detail what is wrong @param fix how to fix it @return a problem */
    public static Diagnostic problem(String subject, String detail, String fix) {
        return new Diagnostic(subject, Severity.PROBLEM, detail, Optional.of(fix));
    }
}
