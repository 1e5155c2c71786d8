package dev.botbottle.core.state;

import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.StateRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The record-backed state store, over {@link MapRecords}, a DOUBLE of a shared store (the Kubernetes backend's
 * ConfigMaps are tested against fabric8's mock API server in that module): two homes stand for two hosts.
 */
class RecordStateStoreTests {

    @TempDir
    Path hostA;
    @TempDir
    Path hostB;

    /** A DOUBLE of shared records: one map, as a cluster's ConfigMaps are one place for every host. */
    static final class MapRecords implements StateRecords {
        final Map<String, Map<String, String>> bySlug = new ConcurrentHashMap<>();
        boolean closed;

        @Override
        public void write(String slug, String name, String text) {
            bySlug.computeIfAbsent(slug, s -> new TreeMap<>()).put(name, text);
        }

        @Override
        public Optional<String> read(String slug, String name) {
            return Optional.ofNullable(bySlug.getOrDefault(slug, Map.of()).get(name));
        }

        @Override
        public void remove(String slug, String name) {
            bySlug.getOrDefault(slug, new TreeMap<>()).remove(name);
        }

        @Override
        public List<String> slugs() {
            return bySlug.keySet().stream().sorted().toList();
        }

        @Override
        public void delete(String slug) {
            bySlug.remove(slug);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static BottleMetadata metadata(String slug) {
        return new BottleMetadata(slug, "agent", "bottle", "kubernetes", Instant.parse("2026-12-01T20:00:00Z"),
                BottleMetadata.Status.STOPPED, Map.of("egress", 40001), Map.of("HTTP_PROXY", "http://127.0.0.1:40001"),
                Optional.empty(), new HostReach("127.0.0.1", "127.0.0.1", "sidecar"));
    }

    @Test
    void whatOneHostWritesAnotherReadsAndTheGatewayFilesStayOnTheFirst() throws Exception {
        MapRecords shared = new MapRecords();
        RecordStateStore a = new RecordStateStore(hostA, shared);
        RecordStateStore b = new RecordStateStore(hostB, shared);
        a.writeMetadata(metadata("a-1"));
        a.writePlan("a-1", "{\"plan\":1}");
        a.writeRecord("a-1", "deploy-keys", "[17]");
        a.setPreserved("a-1", true);
        Files.writeString(a.directory("a-1").resolve("egress-ca.key"), "private");

        assertThat(b.slugs()).containsExactly("a-1");
        assertThat(b.readMetadata("a-1")).contains(metadata("a-1"));
        assertThat(b.readPlan("a-1")).contains("{\"plan\":1}");
        assertThat(b.readRecord("a-1", "deploy-keys")).contains("[17]");
        assertThat(b.isPreserved("a-1")).isTrue();
        assertThat(shared.bySlug.get("a-1")).as("the gateway's files are not records")
                .containsOnlyKeys("metadata", "plan", "record-deploy-keys", "preserved");
        assertThat(shared.bySlug.get("a-1").values()).noneMatch(v -> v.contains("private"));
        assertThat(b.directory("a-1")).isEmptyDirectory();

        b.setPreserved("a-1", false);
        assertThat(a.isPreserved("a-1")).isFalse();
        b.delete("a-1");
        assertThat(a.slugs()).isEmpty();
        assertThat(a.readMetadata("a-1")).isEmpty();
        assertThat(hostB.resolve("state/a-1")).doesNotExist();
    }

    @Test
    void aRecordNamedLikeTheStoresOwnDoesNotReplaceThem() {
        MapRecords shared = new MapRecords();
        RecordStateStore store = new RecordStateStore(hostA, shared);
        store.writeMetadata(metadata("a-1"));
        store.writeRecord("a-1", "metadata", "{\"other\":true}");

        assertThat(store.readMetadata("a-1")).contains(metadata("a-1"));
        assertThat(store.readRecord("a-1", "metadata")).contains("{\"other\":true}");
    }

    @Test
    void badSlugsAndNamesAndUnreadableMetadataAreRefusedWithTheFix() {
        MapRecords shared = new MapRecords();
        RecordStateStore store = new RecordStateStore(hostA, shared);
        assertThatThrownBy(() -> store.writePlan("../x", "{}")).isInstanceOf(BottleException.class)
                .hasMessageContaining("not a bottle slug");
        assertThatThrownBy(() -> store.writeRecord("a-1", "Bad Name", "{}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a record name");
        shared.write("a-1", "metadata", "{not json");
        assertThatThrownBy(() -> store.readMetadata("a-1")).isInstanceOf(BottleException.class)
                .hasMessageContaining("bottle rm a-1");
        store.close();
        assertThat(shared.closed).isTrue();
    }
}
