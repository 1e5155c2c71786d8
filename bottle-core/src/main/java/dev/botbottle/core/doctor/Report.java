package dev.botbottle.core.doctor;

import dev.botbottle.spi.Diagnostic;

import java.util.List;
import java.util.Objects;

/**
 * What {@link Doctor} found.
 *
 * @param findings every finding, grouped by section in reading order
 * @since 0.2
 */
public record Report(List<Finding> findings) {

    public Report {
        findings = List.copyOf(findings);
    }

    /** @return whether nothing stops the default bottle from launching (no {@link Diagnostic.Severity#PROBLEM}) */
    public boolean healthy() {
        return findings.stream().noneMatch(f -> f.diagnostic().severity() == Diagnostic.Severity.PROBLEM);
    }

    /**
     * One finding.
     *
     * @param section the part of the report it belongs to ({@code backend docker}, {@code plugins}, ...)
     * @param diagnostic what was found
     */
    public record Finding(String section, Diagnostic diagnostic) {
        public Finding {
            Objects.requireNonNull(section, "section");
            Objects.requireNonNull(diagnostic, "diagnostic");
        }
    }
}
