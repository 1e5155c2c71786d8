package dev.botbottle.core.escape;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JudgeTests {

    @Test
    void theScriptsLinesAreReadIntoVerdictAuditsAndWitnessTags() {
        Judge.Said said = Judge.Said.parse("""
                noise
                BBX AUDIT egress DENY 403
                BBX BYAUDIT egress redact
                BBX WITNESS neighbour
                BBX RESULT BLOCKED 403 forbidden, no connection
                """);
        assertThat(said.outcome()).contains("BLOCKED");
        assertThat(said.observed()).isEqualTo("403 forbidden, no connection");
        assertThat(said.audits()).singleElement().satisfies(a -> assertThat(a).containsExactly("egress", "DENY 403"));
        assertThat(said.byAudit()).singleElement().satisfies(a -> assertThat(a).containsExactly("egress", "redact"));
        assertThat(said.tags()).containsExactly("neighbour");
    }

    @Test
    void aScriptThatPrintedNoVerdictHasNone() {
        assertThat(Judge.Said.parse("bash: line 3: syntax error\n").outcome()).isEmpty();
    }
}
