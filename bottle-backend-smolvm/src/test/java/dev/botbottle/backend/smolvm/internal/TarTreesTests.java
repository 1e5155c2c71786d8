package dev.botbottle.backend.smolvm.internal;

import dev.botbottle.spi.BackendException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TarTreesTests {

    @TempDir
    Path tmp;

    @Test
    void aTreeRoundTripsWithModesAndSymlinks() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src/sub"));
        Path run = Files.writeString(tmp.resolve("src/run.sh"), "echo\n");
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-x---"));
        Files.writeString(src.resolve("data"), "d");
        Files.createSymbolicLink(tmp.resolve("src/link"), Path.of("run.sh"));
        Path tar = tmp.resolve("t.tar");
        TarTrees.write(tmp.resolve("src"), "x", tar, false);

        Path out = Files.createDirectory(tmp.resolve("out"));
        TarTrees.extract(tar, out, "test");
        assertThat(Files.getPosixFilePermissions(out.resolve("x/run.sh")))
                .isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
        assertThat(Files.readSymbolicLink(out.resolve("x/link"))).isEqualTo(Path.of("run.sh"));
        assertThat(out.resolve("x/sub/data")).hasContent("d");
    }

    @Test
    void anEntryLeavingTheDirectoryIsRefused() throws IOException {
        Path tar = archive(new Entry("../escape", TarArchiveEntry.LF_NORMAL, null));
        assertThatThrownBy(() -> TarTrees.extract(tar, Files.createDirectory(tmp.resolve("o")), "t"))
                .isInstanceOf(BackendException.class).hasMessageContaining("../escape");
        assertThat(tmp.resolve("escape")).doesNotExist();
    }

    @Test
    void anEntryWrittenThroughAnEarlierLinkLandsInsideBecauseLinksComeLast() throws IOException {
        Path outside = Files.createDirectory(tmp.resolve("outside"));
        Path tar = archive(new Entry("x/link", TarArchiveEntry.LF_SYMLINK, outside.toString()),
                new Entry("x/link/planted", TarArchiveEntry.LF_NORMAL, null));
        Path o = Files.createDirectory(tmp.resolve("o"));
        assertThatThrownBy(() -> TarTrees.extract(tar, o, "t")).isInstanceOf(Exception.class);
        assertThat(outside.resolve("planted")).doesNotExist();
    }

    @Test
    void aDeviceIsRefused() throws IOException {
        Path tar = archive(new Entry("x/dev", TarArchiveEntry.LF_CHR, null));
        assertThatThrownBy(() -> TarTrees.extract(tar, Files.createDirectory(tmp.resolve("o")), "t"))
                .hasMessageContaining("neither a file");
    }

    private record Entry(String name, byte type, String link) {
    }

    private Path archive(Entry... entries) throws IOException {
        Path tar = tmp.resolve("evil.tar");
        try (var out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
            for (Entry e : entries) {
                TarArchiveEntry t = new TarArchiveEntry(e.name(), e.type(), true);
                if (e.link() != null) {
                    t.setLinkName(e.link());
                }
                byte[] body = e.type() == TarArchiveEntry.LF_NORMAL ? "x".getBytes(StandardCharsets.UTF_8) : new byte[0];
                t.setSize(body.length);
                out.putArchiveEntry(t);
                out.write(body);
                out.closeArchiveEntry();
            }
        }
        return tar;
    }
}
