package dev.botbottle.egress.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The bottle's audit log: one JSON object a line in {@code <stateDir>/audit.jsonl}, appended and flushed per
 * decision, plus in-process listeners. Bounded: past its size limit the file is rotated to {@code audit.jsonl.1}
 * (older ones shift up, the oldest beyond the kept count is deleted). Thread-safe.
 */
public final class AuditLog implements AutoCloseable {

    /** File name of the audit log in the state directory. */
    public static final String FILE = "audit.jsonl";

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final long maxBytes;
    private final int kept;
    private FileChannel channel;
    private long size;
    private final List<Consumer<EgressAuditEntry>> listeners = new CopyOnWriteArrayList<>();

    private AuditLog(Path file, FileChannel channel, long maxBytes, int kept) throws IOException {
        this.file = file;
        this.channel = channel;
        this.maxBytes = maxBytes;
        this.kept = kept;
        this.size = channel.size();
    }

    /**
     * @param stateDir the bottle's state directory
     * @return the log, appending to an existing file, rotated at 64 MiB with 3 files kept
     */
    public static AuditLog open(Path stateDir) {
        return open(stateDir, 64L * 1024 * 1024, 3);
    }

    /**
     * @param stateDir the bottle's state directory
     * @param maxBytes the size at which the file is rotated
     * @param kept rotated files kept
     * @return the log, appending to an existing file
     */
    public static AuditLog open(Path stateDir, long maxBytes, int kept) {
        Path file = stateDir.resolve(FILE);
        try {
            Files.createDirectories(stateDir);
            return new AuditLog(file, append(file), maxBytes, kept);
        } catch (IOException e) {
            throw new BottleException("could not open the egress audit log " + file + ": " + e.getMessage(), e);
        }
    }

    private static FileChannel append(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    private Path rotated(int i) {
        return file.resolveSibling(FILE + "." + i);
    }

    private void rotate() throws IOException {
        channel.close();
        Files.deleteIfExists(rotated(kept));
        for (int i = kept - 1; i >= 1; i--) {
            if (Files.exists(rotated(i))) {
                Files.move(rotated(i), rotated(i + 1), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, rotated(1), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        channel = append(file);
        size = 0;
    }

    /** @return the file */
    public Path file() {
        return file;
    }

    /** @param entry the decision to record */
    public void record(EgressAuditEntry entry) {
        byte[] line = (toJson(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            try {
                if (size > 0 && size + line.length > maxBytes) {
                    rotate();
                }
                ByteBuffer buf = ByteBuffer.wrap(line);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
                size += line.length;
            } catch (IOException e) {
                LOG.error("could not write to the egress audit log {}: {}", file, e.getMessage());
            }
            for (Consumer<EgressAuditEntry> l : listeners) {
                try {
                    l.accept(entry);
                } catch (RuntimeException e) {
                    LOG.warn("an audit listener failed: {}", e.toString());
                }
            }
        }
    }

    /**
     * @param listener receives every entry recorded after this call
     * @return the subscription
     */
    public EgressControl.Subscription follow(Consumer<EgressAuditEntry> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** @return every entry in the kept files, oldest first; unreadable lines are skipped with a warning */
    public synchronized List<EgressAuditEntry> readAll() {
        List<EgressAuditEntry> out = new ArrayList<>();
        for (int i = kept; i >= 1; i--) {
            out.addAll(read(rotated(i)));
        }
        out.addAll(read(file));
        return out;
    }

    /**
     * @param file an audit log
     * @return its entries
     */
    public static List<EgressAuditEntry> read(Path file) {
        List<EgressAuditEntry> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(fromJson(line));
                } catch (IOException | RuntimeException e) {
                    LOG.warn("skipping an unreadable line of {}: {}", file, e.getMessage());
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new BottleException("could not read the egress audit log " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    static String toJson(EgressAuditEntry e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("time", e.time().toString());
        n.put("method", e.method());
        n.put("host", e.host());
        n.put("path", e.path());
        n.put("route", e.route());
        n.put("verdict", e.verdict().name().toLowerCase(java.util.Locale.ROOT));
        n.put("reason", e.reason());
        n.put("status", e.status());
        n.put("bytes_up", e.bytesUp());
        n.put("bytes_down", e.bytesDown());
        return n.toString();
    }

    static EgressAuditEntry fromJson(String line) throws IOException {
        JsonNode n = JSON.readTree(line);
        return new EgressAuditEntry(Instant.parse(n.path("time").asText()), n.path("method").asText(),
                n.path("host").asText(), n.path("path").asText(), n.path("route").asText(),
                EgressAuditEntry.Verdict.valueOf(n.path("verdict").asText().toUpperCase(java.util.Locale.ROOT)),
                n.path("reason").asText(), n.path("status").asInt(), n.path("bytes_up").asLong(),
                n.path("bytes_down").asLong());
    }

    @Override
    public synchronized void close() {
        listeners.clear();
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing the audit log: {}", e.toString());
        }
    }
}
