package dev.botbottle.backend.kubernetes.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The archives of copies, read and written by the real GNU {@code tar} the bottle's side runs. */
class TarsTests {

    private static int tar(Path dir, String... args) throws Exception {
        var cmd = new java.util.ArrayList<>(java.util.List.of("tar"));
        cmd.addAll(java.util.List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start().waitFor();
    }

    @Test
    void aCopyInArchiveUnpacksWithTheModesAskedForAndLinksInsideTheTree(@TempDir Path tmp) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/work/sub"));
        Files.writeString(src.getParent().resolve("run.sh"), "echo\n");
        Files.setPosixFilePermissions(src.getParent().resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(src.resolve("note"), "n\n");
        Files.setPosixFilePermissions(src.resolve("note"), PosixFilePermissions.fromString("rw-r-----"));
        Files.createSymbolicLink(src.resolve("up"), Path.of("../run.sh"));
        Files.createSymbolicLink(src.resolve("abs"), Path.of("/etc/passwd"));
        Path archive = tmp.resolve("a.tar");
        try (OutputStream out = Files.newOutputStream(archive)) {
            assertThat(Tars.write(src.getParent(), "work", out, -1, true)).containsExactly("work/sub/abs");
        }
        Path dest = Files.createDirectories(tmp.resolve("dest"));

        assertThat(tar(dest, "-x", "-p", "-f", archive.toString())).isZero();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dest.resolve("work/run.sh"))))
                .isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dest.resolve("work/sub/note"))))
                .isEqualTo("rw-r-----");
        assertThat(Files.readSymbolicLink(dest.resolve("work/sub/up"))).isEqualTo(Path.of("../run.sh"));
        assertThat(dest.resolve("work/sub/abs")).doesNotExist();
    }

    @Test
    void aFixedModeGivesDirectoriesExecuteBitsWhereItGrantsRead(@TempDir Path tmp) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("skill/sub"));
        Files.writeString(src.resolve("f"), "x");
        Path archive = tmp.resolve("a.tar");
        try (OutputStream out = Files.newOutputStream(archive)) {
            Tars.write(src.getParent(), "skill", out, 0640, false);
        }
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        assertThat(tar(dest, "-x", "-p", "-f", archive.toString())).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dest.resolve("skill/sub"))))
                .isEqualTo("rwxr-x---");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dest.resolve("skill/sub/f"))))
                .isEqualTo("rw-r-----");
    }

    @Test
    void anArchiveFromTheBottlesTarUnpacksInsideTheStagingDirectory(@TempDir Path tmp) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("bottle/out/d"));
        Files.writeString(src.resolve("b.txt"), "two\n");
        Files.createSymbolicLink(src.resolve("up"), Path.of("../b"));
        Path archive = tmp.resolve("out.tar");
        assertThat(tar(tmp.resolve("bottle"), "-c", "-f", archive.toString(), "--", "out")).isZero();
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        try (InputStream in = Files.newInputStream(archive)) {
            Tars.extract(in, staging, "test");
        }
        assertThat(Files.readString(staging.resolve("out/d/b.txt"))).isEqualTo("two\n");
        assertThat(Files.readSymbolicLink(staging.resolve("out/d/up"))).isEqualTo(Path.of("../b"));
    }

    @Test
    void anEntryClimbingOutOfTheStagingDirectoryIsRefused(@TempDir Path tmp) throws Exception {
        Path archive = tmp.resolve("evil.tar");
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
                Files.newOutputStream(archive))) {
            var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("x");
            e.setName("../escaped");
            e.setSize(1);
            tar.putArchiveEntry(e);
            tar.write('x');
            tar.closeArchiveEntry();
        }
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        try (InputStream in = Files.newInputStream(archive)) {
            assertThatThrownBy(() -> Tars.extract(in, staging, "test")).isInstanceOf(IOException.class)
                    .hasMessageContaining("outside");
        }
        assertThat(tmp.resolve("escaped")).doesNotExist();
    }
}
