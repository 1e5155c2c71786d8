package dev.botbottle.egress.internal;

import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressControl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AuditLogTests {

    @TempDir
    Path state;

    private static EgressAuditEntry entry(String host, EgressAuditEntry.Verdict v) {
        return new EgressAuditEntry(Instant.parse("2026-01-02T03:04:05Z"), "GET", host, "/x", "api.example.com", v,
                "because", 200, 12, 34);
    }

    @Test
    void writesOneJsonLinePerDecisionAndReadsThemBack() throws Exception {
        try (AuditLog log = AuditLog.open(state)) {
            log.record(entry("a.example.com", EgressAuditEntry.Verdict.ALLOW));
            log.record(entry("b.example.com", EgressAuditEntry.Verdict.DENY));
        }
        List<String> lines = Files.readAllLines(state.resolve(AuditLog.FILE));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("{").contains("\"verdict\":\"allow\"").contains("\"bytes_up\":12")
                .contains("\"bytes_down\":34").contains("\"status\":200").contains("\"time\":\"2026-01-02T03:04:05Z\"");
        assertThat(AuditLog.read(state.resolve(AuditLog.FILE)))
                .containsExactly(entry("a.example.com", EgressAuditEntry.Verdict.ALLOW),
                        entry("b.example.com", EgressAuditEntry.Verdict.DENY));
    }

    @Test
    void appendsAcrossReopenAndSkipsUnreadableLines() throws Exception {
        try (AuditLog log = AuditLog.open(state)) {
            log.record(entry("a.example.com", EgressAuditEntry.Verdict.ALLOW));
        }
        Files.writeString(state.resolve(AuditLog.FILE), "not json\n", java.nio.file.StandardOpenOption.APPEND);
        try (AuditLog log = AuditLog.open(state)) {
            log.record(entry("b.example.com", EgressAuditEntry.Verdict.ALLOW));
            assertThat(log.readAll()).extracting(EgressAuditEntry::host)
                    .containsExactly("a.example.com", "b.example.com");
        }
    }

    @Test
    void followDeliversNewEntriesUntilClosed() {
        try (AuditLog log = AuditLog.open(state)) {
            List<String> seen = new ArrayList<>();
            EgressControl.Subscription sub = log.follow(e -> seen.add(e.host()));
            log.record(entry("a.example.com", EgressAuditEntry.Verdict.ALLOW));
            sub.close();
            log.record(entry("b.example.com", EgressAuditEntry.Verdict.ALLOW));
            assertThat(seen).containsExactly("a.example.com");
        }
    }

    @Test
    void readingAMissingLogGivesNothing() {
        assertThat(AuditLog.read(state.resolve("none.jsonl"))).isEmpty();
    }

    @Test
    void rotatesPastItsSizeAndKeepsOnlyTheNewestFiles() throws Exception {
        try (AuditLog log = AuditLog.open(state, 4096, 2)) {
            for (int i = 0; i < 200; i++) {
                log.record(new dev.botbottle.spi.EgressAuditEntry(java.time.Instant.now(), "GET", "h.example", "/" + i,
                        "h.example", dev.botbottle.spi.EgressAuditEntry.Verdict.ALLOW, "ok", 200, 0, 0));
            }
            assertThat(Files.size(state.resolve(AuditLog.FILE))).isLessThanOrEqualTo(4096);
            assertThat(state.resolve(AuditLog.FILE + ".1")).exists();
            assertThat(state.resolve(AuditLog.FILE + ".2")).exists();
            assertThat(state.resolve(AuditLog.FILE + ".3")).doesNotExist();
            List<dev.botbottle.spi.EgressAuditEntry> all = log.readAll();
            assertThat(all).hasSizeLessThan(200).last().satisfies(e -> assertThat(e.path()).isEqualTo("/199"));
        }
    }
}
