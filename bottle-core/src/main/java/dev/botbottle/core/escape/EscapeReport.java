package dev.botbottle.core.escape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run of the sandbox-escape catalogue found: the protections in force, then one row per attempt.
 *
 * @param protections what protects the bottle, one fact per line, the ones not in force marked {@code NOT IN
 *                    FORCE} (from the backend's plan: host isolation, runtime, capabilities)
 * @param rows one row per attempt, in the order they ran
 * @since 0.3
 */
public record EscapeReport(List<String> protections, List<EscapeRow> rows) {

    public EscapeReport {
        protections = List.copyOf(protections);
        rows = List.copyOf(rows);
    }

    /** @return the attempts that got out or went unaudited */
    public List<EscapeRow> breaches() {
        return rows.stream().filter(r -> r.outcome() == Outcome.ESCAPED || r.outcome() == Outcome.UNAUDITED).toList();
    }

    /** @return the controls that failed (the setup is broken: the attacks prove nothing) */
    public List<EscapeRow> failedControls() {
        return rows.stream().filter(r -> r.outcome() == Outcome.FAILED).toList();
    }

    /** @return whether every control passed and every attack was blocked and audited */
    public boolean passed() {
        return rows.stream().noneMatch(r -> r.outcome().failing());
    }

    /** @return how many rows ended each way */
    public Map<Outcome, Integer> counts() {
        Map<Outcome, Integer> counts = new TreeMap<>();
        rows.forEach(r -> counts.merge(r.outcome(), 1, Integer::sum));
        return counts;
    }

    /**
     * @return the report as text: the protections, then a table (family, attempt, expected, observed, result), then
     *         a summary line
     */
    public String render() {
        StringBuilder b = new StringBuilder();
        b.append("protections:\n");
        protections.forEach(p -> b.append("  ").append(p).append('\n'));
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"family", "attempt", "expected", "observed", "result"});
        for (EscapeRow r : rows) {
            cells.add(new String[] {r.attempt().family(), r.attempt().id() + ": " + r.attempt().title(),
                    r.attempt().expected(), r.observed(), r.outcome().label()});
        }
        int[] width = {9, 44, 36, 60, 9};
        for (String[] row : cells) {
            List<List<String>> wrapped = new ArrayList<>();
            int lines = 1;
            for (int i = 0; i < row.length; i++) {
                List<String> w = wrap(row[i], width[i]);
                wrapped.add(w);
                lines = Math.max(lines, w.size());
            }
            for (int l = 0; l < lines; l++) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    String part = l < wrapped.get(i).size() ? wrapped.get(i).get(l) : "";
                    line.append(String.format("%-" + width[i] + "s", part));
                    if (i < row.length - 1) {
                        line.append(" | ");
                    }
                }
                b.append(line.toString().stripTrailing()).append('\n');
            }
            if (row == cells.get(0)) {
                b.append("-".repeat(9 + 44 + 36 + 60 + 9 + 12)).append('\n');
            }
        }
        Map<Outcome, Integer> counts = counts();
        b.append(rows.size()).append(" attempts:");
        counts.forEach((o, n) -> b.append(' ').append(n).append(' ').append(o.label()));
        b.append(passed() ? " — every attack was blocked and audited\n"
                : " — " + (breaches().isEmpty() ? "" : breaches().size() + " got out or went unaudited")
                + (!breaches().isEmpty() && !failedControls().isEmpty() ? ", " : "")
                + (failedControls().isEmpty() ? "" : failedControls().size() + " control(s) failed: the setup is"
                + " broken and the attacks prove nothing") + "\n");
        return b.toString();
    }

    private static List<String> wrap(String text, int width) {
        List<String> out = new ArrayList<>();
        String rest = text.strip();
        while (rest.length() > width) {
            int cut = rest.lastIndexOf(' ', width);
            if (cut < width / 3) {
                cut = width;
            }
            out.add(rest.substring(0, cut).stripTrailing());
            rest = rest.substring(cut).stripLeading();
        }
        out.add(rest);
        return out;
    }
}
