package dev.botbottle.spi.support;

import dev.botbottle.spi.GatewayAuditEntry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.List;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * The audit of a gateway service ({@link dev.botbottle.spi.GatewayAudit}): each {@link GatewayAuditEntry} is one JSON
 * line appended to a file in the bottle's state directory ({@code time, service, action, subject, verdict, status,
 * reason}), and the latest ones are kept in memory for {@link #entries()}. Bounded: the file is rotated to
 * {@code <name>.1} when it passes its size, the memory holds at most a fixed number of entries. Thread-safe.
 *
 * @since 0.3
 */
public final class AuditJournal {

    /** Size at which the file is rotated. */
    public static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;
    /** Entries kept in memory. */
    public static final int DEFAULT_MAX_ENTRIES = 4096;

    private final Path file;
    private final long maxBytes;
    private final int maxEntries;
    private final ArrayDeque<GatewayAuditEntry> recent = new ArrayDeque<>();

    /**
     * @param file the JSON-lines file (its directory is created when missing)
     * @param maxBytes the size at which it is rotated
     * @param maxEntries how many entries {@link #entries()} keeps
     */
    public AuditJournal(Path file, long maxBytes, int maxEntries) {
        this.file = Objects.requireNonNull(file, "file");
        if (maxBytes <= 0 || maxEntries <= 0) {
            throw new IllegalArgumentException("maxBytes and maxEntries must be positive");
        }
        this.maxBytes = maxBytes;
        this.maxEntries = maxEntries;
    }

    /** @param file the JSON-lines file @return a journal with the default bounds */
    public static AuditJournal at(Path file) {
        return new AuditJournal(file, DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES);
    }

    /** @return the JSON-lines file */
    public Path file() {
        return file;
    }

    /**
     * Records an entry: in memory, then one line in the file.
     *
     * @param entry the decision; its texts must hold no secret (the caller redacts)
     * @throws UncheckedIOException when the line could not be written (the entry is still in {@link #entries()}); a
     *                              service logs it rather than failing the request it records
     */
    public synchronized void record(GatewayAuditEntry entry) {
        Objects.requireNonNull(entry, "entry");
        recent.addLast(entry);
        while (recent.size() > maxEntries) {
            recent.removeFirst();
        }
        byte[] line = (toJson(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(file.getParent());
            if (Files.exists(file) && Files.size(file) + line.length > maxBytes) {
                Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the audit line to " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return the entries recorded by this journal, oldest first (at most the bound given) */
    public synchronized List<GatewayAuditEntry> entries() {
        return List.copyOf(recent);
    }

    /** @return the entry as one JSON object */
    static String toJson(GatewayAuditEntry e) {
        return "{\"time\":\"" + e.time() + "\",\"service\":" + quote(e.service()) + ",\"action\":" + quote(e.action())
                + ",\"subject\":" + quote(e.subject()) + ",\"verdict\":\"" + e.verdict() + "\",\"status\":" + e.status()
                + ",\"reason\":" + quote(e.reason()) + "}";
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
