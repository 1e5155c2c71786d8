package dev.botbottle.core.escape;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EscapeReportTests {

    static final Attempt CONTROL = new Attempt("control.a", "control", "egress", "allowed path", "works");
    static final Attempt ATTACK = new Attempt("net.b", "network", "none", "direct TCP", "no connection");

    @Test
    void allControlsPassedAndAllAttacksBlockedPasses() {
        EscapeReport r = new EscapeReport(List.of("runtime: runc"), List.of(
                new EscapeRow(CONTROL, "b", Outcome.PASSED, "200", List.of()),
                new EscapeRow(ATTACK, "b", Outcome.BLOCKED, "refused", List.of())));
        assertThat(r.passed()).isTrue();
        assertThat(r.render()).contains("family", "control.a: allowed path", "net.b: direct TCP", "blocked",
                "runtime: runc", "every attack was blocked and audited");
    }

    @Test
    void anEscapeOrAnUnauditedAttemptFailsTheRun() {
        for (Outcome bad : List.of(Outcome.ESCAPED, Outcome.UNAUDITED)) {
            EscapeReport r = new EscapeReport(List.of(), List.of(
                    new EscapeRow(CONTROL, "b", Outcome.PASSED, "200", List.of()),
                    new EscapeRow(ATTACK, "b", bad, "connected", List.of())));
            assertThat(r.passed()).as(bad.name()).isFalse();
            assertThat(r.breaches()).extracting(EscapeRow::attempt).containsExactly(ATTACK);
            assertThat(r.render()).contains(bad.label(), "1 got out or went unaudited");
        }
    }

    @Test
    void aFailedControlFailsTheRunAndSaysTheAttacksProveNothing() {
        EscapeReport r = new EscapeReport(List.of(), List.of(
                new EscapeRow(CONTROL, "b", Outcome.FAILED, "502", List.of()),
                new EscapeRow(ATTACK, "b", Outcome.BLOCKED, "refused", List.of())));
        assertThat(r.passed()).isFalse();
        assertThat(r.failedControls()).hasSize(1);
        assertThat(r.render()).contains("the attacks prove nothing");
    }

    @Test
    void longCellsAreWrappedNotCut() {
        String observed = "word ".repeat(40).strip();
        String text = new EscapeReport(List.of(), List.of(new EscapeRow(ATTACK, "b", Outcome.BLOCKED, observed,
                List.of()))).render();
        assertThat(text.lines().filter(l -> l.contains("word")).count()).isGreaterThan(1);
        assertThat(text.split("word", -1)).as("every word is kept").hasSize(41);
    }
}
