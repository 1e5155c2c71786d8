package dev.botbottle.core.state;

import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.HostReach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DirectoryStateStoreTests {

    @TempDir
    Path home;

    private BottleMetadata metadata(String slug) {
        return new BottleMetadata(slug, "agent", "bottle", "docker", Instant.parse("2026-11-26T20:00:00Z"), BottleMetadata.Status.RUNNING,
                Map.of("egress", 40001), Map.of("HTTP_PROXY", "http://10.0.0.1:40001"),
                java.util.Optional.of(new dev.botbottle.core.state.HostSession(42, java.util.Optional.of(Instant.parse("2026-11-26T19:00:00Z")))),
                new HostReach("10.0.0.1", "10.0.0.1", "firewall"));
    }

    @Test
    void metadataRoundTripsAndRecordsTheBackend() {
        DirectoryStateStore store = new DirectoryStateStore(home);
        store.writeMetadata(metadata("a-1"));
        assertThat(store.readMetadata("a-1")).contains(metadata("a-1"));
        assertThat(store.readMetadata("a-1").orElseThrow().backend()).isEqualTo("docker");
        assertThat(store.slugs()).containsExactly("a-1");
    }

    @Test
    void writesLeaveNoTemporaryFilesBehind() throws IOException {
        DirectoryStateStore store = new DirectoryStateStore(home);
        store.writeMetadata(metadata("a-1"));
        store.writeMetadata(metadata("a-1").withStatus(BottleMetadata.Status.STOPPED));
        store.writePlan("a-1", "{}");
        try (var files = Files.list(home.resolve("state/a-1"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("metadata.json", "plan.json");
        }
        assertThat(store.readMetadata("a-1").orElseThrow().status()).isEqualTo(BottleMetadata.Status.STOPPED);
    }

    @Test
    void theStateDirectoryIsPrivate() throws IOException {
        Path dir = new DirectoryStateStore(home).directory("a-1");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    }

    @Test
    void preserveMarkerAndDelete() {
        DirectoryStateStore store = new DirectoryStateStore(home);
        store.writeMetadata(metadata("a-1"));
        store.setPreserved("a-1", true);
        assertThat(store.isPreserved("a-1")).isTrue();
        store.setPreserved("a-1", false);
        assertThat(store.isPreserved("a-1")).isFalse();
        store.delete("a-1");
        store.delete("a-1");
        assertThat(home.resolve("state/a-1")).doesNotExist();
        assertThat(store.slugs()).isEmpty();
    }

    @Test
    void slugsThatCouldEscapeTheStateDirectoryAreRejected() {
        DirectoryStateStore store = new DirectoryStateStore(home);
        assertThatThrownBy(() -> store.directory("../etc")).isInstanceOf(BottleException.class)
                .hasMessageContaining("not a bottle slug");
    }

    @Test
    void unreadableMetadataSaysHowToRemoveIt() throws IOException {
        DirectoryStateStore store = new DirectoryStateStore(home);
        Files.writeString(store.directory("a-1").resolve("metadata.json"), "{not json");
        assertThatThrownBy(() -> store.readMetadata("a-1")).hasMessageContaining("bottle rm a-1");
    }
}
