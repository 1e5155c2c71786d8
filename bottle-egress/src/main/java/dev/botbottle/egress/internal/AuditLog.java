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
 * decision, plus in-process listeners. Thread-safe.
 */
public final class AuditLog implements AutoCloseable {

    /** File name of the audit log in the state directory. */
    public static final String FILE = "audit.jsonl";

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private final List<Consumer<EgressAuditEntry>> listeners = new CopyOnWriteArrayList<>();

    private AuditLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * @param stateDir the bottle's state directory
     * @return the log, appending to an existing file
     */
    public static AuditLog open(Path stateDir) {
        Path file = stateDir.resolve(FILE);
        try {
            Files.createDirectories(stateDir);
            return new AuditLog(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new BottleException("could not open the egress audit log " + file + ": " + e.getMessage(), e);
        }
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
                ByteBuffer buf = ByteBuffer.wrap(line);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
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

    /** @return every entry in the file, oldest first; unreadable lines are skipped with a warning */
    public List<EgressAuditEntry> readAll() {
        return read(file);
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
