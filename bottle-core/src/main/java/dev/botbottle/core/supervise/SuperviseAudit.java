package dev.botbottle.core.supervise;

import dev.botbottle.spi.BottleException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The supervise audit of one bottle: {@code supervise/audit.jsonl} in its state directory, one JSON object a line —
 * every proposal, every answer, and every change with the state before and after. Never a secret: routes carry
 * credential references, not values. Appends are whole lines ({@code O_APPEND}), so two processes may write.
 */
final class SuperviseAudit {

    static final String FILE = "audit.jsonl";

    private final Path file;

    SuperviseAudit(Path superviseDir) {
        this.file = superviseDir.resolve(FILE);
    }

    /** @param event what happened @param fields its facts, in order */
    synchronized void record(String event, String slug, String proposalId, Map<String, Object> fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("event", event);
        line.put("slug", slug);
        line.put("proposal_id", proposalId);
        line.putAll(fields);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, SuperviseJson.write(line, false) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new BottleException("cannot append to the supervise audit " + file + ": " + e.getMessage(), e);
        }
    }
}
