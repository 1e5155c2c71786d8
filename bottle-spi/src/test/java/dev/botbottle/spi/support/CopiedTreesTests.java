package dev.botbottle.spi.support;

import dev.botbottle.spi.BackendException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CopiedTreesTests {

    @TempDir
    Path tmp;

    private Path tree() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("out"));
        Files.createDirectories(root.resolve("d"));
        Files.writeString(root.resolve("a.txt"), "a");
        return root;
    }

    @Test
    void filesDirectoriesAndLinksThatStayInsidePass() throws IOException {
        Path root = tree();
        Files.createSymbolicLink(root.resolve("link"), Path.of("a.txt"));
        Files.createSymbolicLink(root.resolve("d/up"), Path.of("../a.txt"));
        Files.createSymbolicLink(root.resolve("d/self"), Path.of(".."));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("d/not-yet"));
        assertThatCode(() -> CopiedTrees.check(root, "/home/agent/out", "b")).doesNotThrowAnyException();
    }

    @Test
    void aLinkToAnAbsolutePathIsRefusedNamingIt() throws IOException {
        Path root = tree();
        Files.createSymbolicLink(root.resolve("d/evil"), Path.of("/etc/passwd"));
        assertThatThrownBy(() -> CopiedTrees.check(root, "/home/agent/out", "b"))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("/home/agent/out/d/evil")
                .hasMessageContaining("nothing was copied");
    }

    @Test
    void aRelativeLinkLeavingTheTreeIsRefused() throws IOException {
        Path root = tree();
        Files.createSymbolicLink(root.resolve("d/up"), Path.of("../../x"));
        assertThatThrownBy(() -> CopiedTrees.check(root, "/o", "b")).hasMessageContaining("/o/d/up");
    }

    @Test
    void aLinkThatLooksInsideButLeavesThroughAnotherLinkIsRefused() throws IOException {
        Path root = tree();
        // d/sub resolves to the root; d/x = d/sub/../y looks like d/y but really is the root's parent's y
        Files.createSymbolicLink(root.resolve("d/sub"), Path.of(".."));
        Files.createSymbolicLink(root.resolve("d/x"), Path.of("sub/../y"));
        assertThatThrownBy(() -> CopiedTrees.check(root, "/o", "b")).hasMessageContaining("/o/d/x");
        assertThat(CopiedTrees.staysInside(root, root.resolve("d"), Path.of("sub/y"))).isTrue();
    }

    @Test
    void aLoopOfLinksIsRefused() throws IOException {
        Path root = tree();
        Files.createSymbolicLink(root.resolve("p"), Path.of("q/x"));
        Files.createSymbolicLink(root.resolve("q"), Path.of("p/x"));
        assertThatThrownBy(() -> CopiedTrees.check(root, "/o", "b")).isInstanceOf(BackendException.class);
    }

    @Test
    void theCopiedPathBeingALinkIsRefused() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("out"), Path.of("/etc"));
        assertThatThrownBy(() -> CopiedTrees.check(link, "/home/agent/ln", "b"))
                .hasMessageContaining("/home/agent/ln is itself a symbolic link");
    }

    @Test
    void aFifoIsRefused() throws Exception {
        Path root = tree();
        Process p = new ProcessBuilder("mkfifo", root.resolve("d/pipe").toString()).start();
        assertThat(p.waitFor()).isZero();
        assertThatThrownBy(() -> CopiedTrees.check(root, "/o", "b")).hasMessageContaining("/o/d/pipe")
                .hasMessageContaining("neither a file");
    }

    @Test
    void setuidAndSetgidBitsAreCleared() throws Exception {
        Path root = tree();
        Path tool = root.resolve("d/tool");
        Files.writeString(tool, "#!/bin/sh\n");
        Process p = new ProcessBuilder("chmod", "6755", tool.toString()).start();
        assertThat(p.waitFor()).isZero();
        CopiedTrees.check(root, "/o", "b");
        Process stat = new ProcessBuilder("stat", "-c", "%a", tool.toString()).start();
        assertThat(new String(stat.getInputStream().readAllBytes()).strip()).isEqualTo("755");
        assertThat(Files.getPosixFilePermissions(tool)).isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
