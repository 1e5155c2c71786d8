package dev.botbottle.spi.support;

import dev.botbottle.spi.GatewayAuditEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class AuditJournalTests {

    @TempDir
    Path dir;

    @Test
    void eachEntryIsOneJsonLineAndStaysInMemory() throws Exception {
        AuditJournal j = AuditJournal.at(dir.resolve("svc/audit.jsonl"));
        j.record(GatewayAuditEntry.deny("gitgate", "fetch", "origin", 401, "no \"secret\"\nhere"));
        j.record(GatewayAuditEntry.allow("gitgate", "push", "origin refs/heads/a", 0, "pushed"));
        assertThat(j.entries()).extracting(GatewayAuditEntry::summary)
                .containsExactly("DENY 401 fetch origin: no \"secret\"\nhere", "ALLOW 0 push origin refs/heads/a: pushed");
        var lines = Files.readAllLines(j.file());
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("{\"time\":\"").contains("\"service\":\"gitgate\"")
                .contains("\"verdict\":\"DENY\"").contains("\"status\":401")
                .contains("\"reason\":\"no \\\"secret\\\"\\nhere\"");
    }

    @Test
    void memoryAndFileAreBounded() throws Exception {
        AuditJournal j = new AuditJournal(dir.resolve("audit.jsonl"), 400, 3);
        for (int i = 0; i < 10; i++) {
            j.record(GatewayAuditEntry.deny("supervise", "POST /mcp", "-", 401, "no bearer " + i));
        }
        assertThat(j.entries()).extracting(GatewayAuditEntry::reason)
                .containsExactly("no bearer 7", "no bearer 8", "no bearer 9");
        assertThat(Files.size(j.file())).isLessThanOrEqualTo(400);
        assertThat(dir.resolve("audit.jsonl.1")).exists();
        assertThat(Files.readString(j.file())).contains("no bearer 9");
    }
}
