package dev.botbottle.core.state;

import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.HostReach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The record-backed state store, over {@link MapStateRecords}, a DOUBLE of a shared store (the Kubernetes backend's
 * ConfigMaps are tested against fabric8's mock API server in that module): two homes stand for two hosts.
 */
class RecordStateStoreTests {

    @TempDir
    Path hostA;
    @TempDir
    Path hostB;

    private static BottleMetadata metadata(String slug) {
        return new BottleMetadata(slug, "agent", "bottle", "kubernetes", Instant.parse("2026-12-01T20:00:00Z"),
                BottleMetadata.Status.STOPPED, Map.of("egress", 40001), Map.of("HTTP_PROXY", "http://127.0.0.1:40001"),
                Optional.empty(), new HostReach("127.0.0.1", "127.0.0.1", "sidecar"));
    }

    @Test
    void whatOneHostWritesAnotherReadsAndTheGatewayFilesStayOnTheFirst() throws Exception {
        MapStateRecords shared = new MapStateRecords();
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
        MapStateRecords shared = new MapStateRecords();
        RecordStateStore store = new RecordStateStore(hostA, shared);
        store.writeMetadata(metadata("a-1"));
        store.writeRecord("a-1", "metadata", "{\"other\":true}");

        assertThat(store.readMetadata("a-1")).contains(metadata("a-1"));
        assertThat(store.readRecord("a-1", "metadata")).contains("{\"other\":true}");
    }

    @Test
    void badSlugsAndNamesAndUnreadableMetadataAreRefusedWithTheFix() {
        MapStateRecords shared = new MapStateRecords();
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
