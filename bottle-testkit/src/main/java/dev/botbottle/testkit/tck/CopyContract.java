package dev.botbottle.testkit.tck;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.FileOwner;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Copy: {@code copyIn} of files and directories (owner, {@code mode} for files and {@code mode} with execute bits
 * for directories, parents created), {@code copyTree} keeping every file's mode, empty directories, {@code .git}
 * and links that stay inside the tree while leaving out the others, and {@code copyOut} of files and directories,
 * refusing any symlink that points outside what was copied (a bottle must not be able to plant a link on the host).
 *
 * @since 0.1
 */
public abstract class CopyContract {

    private static final Duration SHORT = Duration.ofSeconds(60);

    /** What the tests share. */
    protected final TckFixture tck;

    /** @param fixture what the tests share */
    protected CopyContract(TckFixture fixture) {
        this.tck = fixture;
    }

    private Bottle bottle() {
        return tck.shared().bottle();
    }

    private String sh(String script) {
        ExecResult r = bottle().exec(ExecRequest.of("sh", "-c", script).withTimeout(SHORT));
        assertEquals(0, r.exitCode(), "in the bottle: " + script + "\n" + r.stderrText());
        return r.stdoutText();
    }

    private String rootSh(String script) {
        ExecResult r = bottle().exec(ExecRequest.of("sh", "-c", script).asUser("root").withTimeout(SHORT));
        assertEquals(0, r.exitCode(), "in the bottle as root: " + script + "\n" + r.stderrText());
        return r.stdoutText();
    }

    private Path hostDir(String what) throws IOException {
        return Files.createDirectories(tck.scratch("copy-" + what + "-" + UUID.randomUUID()));
    }

    private static void chmod(Path p, String perms) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }

    @Test
    void copyInOfAFileSetsOwnerAndModeAndCreatesParentsOwnedLikeIt() throws IOException {
        Path file = Files.writeString(hostDir("file").resolve("note.txt"), "hello\n");
        String dir = bottle().agentHome() + "/tck-" + UUID.randomUUID();
        bottle().copyIn(file, dir + "/deep/note.txt", FileOwner.AGENT, 0640);
        assertEquals(bottle().agentUser() + " 640 hello\n" + bottle().agentUser() + "\n" + bottle().agentUser() + "\n",
                sh("stat -c '%U %a' " + dir + "/deep/note.txt | tr '\\n' ' '; cat " + dir + "/deep/note.txt; "
                        + "stat -c %U " + dir + " " + dir + "/deep"));
    }

    @Test
    void copyInAsRootReplacesTheTargetAndKeepsItFromTheAgent() throws IOException {
        Path file = Files.writeString(hostDir("root").resolve("conf"), "first\n");
        String target = "/etc/tck-" + UUID.randomUUID() + "/conf";
        bottle().copyIn(file, target, FileOwner.ROOT, 0600);
        Files.writeString(file, "second\n");
        bottle().copyIn(file, target, FileOwner.ROOT, 0600);
        assertEquals("root 600\nsecond\n", rootSh("stat -c '%U %a' " + target + "; cat " + target));
        assertTrue(bottle().exec(ExecRequest.of("cat", target).withTimeout(SHORT)).exitCode() != 0,
                "the agent must not read a root 0600 file");
    }

    @Test
    void copyInOfADirectoryGivesEveryFileTheModeAndDirectoriesExecuteBits() throws IOException {
        Path tree = hostDir("dir").resolve("skill");
        Files.createDirectories(tree.resolve("sub"));
        Files.writeString(tree.resolve("SKILL.md"), "# skill\n");
        Files.writeString(tree.resolve("sub/run.sh"), "echo hi\n");
        chmod(tree.resolve("sub/run.sh"), "rwxr-xr-x");
        String target = bottle().agentHome() + "/tck-dir-" + UUID.randomUUID();

        bottle().copyIn(tree, target, FileOwner.AGENT, 0640);

        String u = bottle().agentUser();
        assertEquals(String.join("\n", ". " + u + " 750", "SKILL.md " + u + " 640", "sub " + u + " 750",
                        "sub/run.sh " + u + " 640", ""),
                sh("cd " + target + " && find . | sort | sed 's|^\\./||' | xargs -I{} stat -c '%n %U %a' {}"));
    }

    @Test
    void copyTreeKeepsModesEmptyDirectoriesAndLinksInsideTheTreeAndLeavesOutTheRest() throws IOException {
        Path tree = hostDir("tree").resolve("work");
        Files.createDirectories(tree.resolve("sub"));
        Files.createDirectories(tree.resolve("empty"));
        Files.createDirectories(tree.resolve(".git/refs"));
        Files.writeString(tree.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.writeString(tree.resolve("run.sh"), "#!/bin/sh\necho ran\n");
        chmod(tree.resolve("run.sh"), "rwxr-xr-x");
        Files.writeString(tree.resolve("notes.txt"), "notes\n");
        chmod(tree.resolve("notes.txt"), "rw-r-----");
        Files.createSymbolicLink(tree.resolve("link"), Path.of("notes.txt"));
        Files.createSymbolicLink(tree.resolve("sub/up"), Path.of("../run.sh"));
        Files.createSymbolicLink(tree.resolve("abs"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(tree.resolve("sub/out"), Path.of("../../outside"));
        String target = bottle().agentHome() + "/tck-tree-" + UUID.randomUUID();

        bottle().copyTree(tree, target, FileOwner.AGENT);

        String u = bottle().agentUser();
        String listing = sh("cd " + target + " && find . ! -path './.git/*' | sort | sed 's|^\\./||' | "
                + "xargs -I{} stat -c '%n %U %F' {}; stat -c '%a' run.sh notes.txt");
        assertEquals(String.join("\n", ". " + u + " directory", ".git " + u + " directory", "empty " + u + " directory",
                "link " + u + " symbolic link", "notes.txt " + u + " regular file", "run.sh " + u + " regular file",
                "sub " + u + " directory", "sub/up " + u + " symbolic link", "755", "640", ""), listing);
        assertEquals("notes.txt\n../run.sh\nran\nran\nnotes\nref: refs/heads/main\n", sh("cd " + target
                + " && readlink link sub/up && ./run.sh && sub/up && cat link .git/HEAD"));
    }

    @Test
    void copyInOfADirectoryOntoAnExistingDirectoryMergesIntoIt() throws IOException {
        Path tree = hostDir("merge").resolve("d");
        Files.createDirectories(tree);
        Files.writeString(tree.resolve("new.txt"), "new\n");
        String target = bottle().agentHome() + "/tck-merge-" + UUID.randomUUID();
        sh("mkdir -p " + target + " && echo kept > " + target + "/old.txt");
        bottle().copyIn(tree, target, FileOwner.AGENT, 0644);
        assertEquals("kept\nnew\n", sh("cat " + target + "/old.txt " + target + "/new.txt"));
    }

    @Test
    void copyOutBringsFilesAndDirectoriesBackWithSymlinksInsideTheTree() throws IOException {
        String src = bottle().agentHome() + "/tck-out-" + UUID.randomUUID();
        sh("mkdir -p " + src + "/d && echo one > " + src + "/a.txt && echo two > " + src + "/d/b.txt && "
                + "ln -s a.txt " + src + "/link && ln -s ../a.txt " + src + "/d/up && chmod 755 " + src + "/d/b.txt");
        Path back = hostDir("out").resolve("back");

        bottle().copyOut(src, back);

        assertEquals("one\n", Files.readString(back.resolve("a.txt")));
        assertEquals("two\n", Files.readString(back.resolve("d/b.txt")));
        assertTrue(Files.isExecutable(back.resolve("d/b.txt")), "modes come back");
        assertTrue(Files.isSymbolicLink(back.resolve("link")));
        assertEquals(Path.of("a.txt"), Files.readSymbolicLink(back.resolve("link")));
        assertEquals(Path.of("../a.txt"), Files.readSymbolicLink(back.resolve("d/up")));

        Path single = back.getParent().resolve("single.txt");
        bottle().copyOut(src + "/a.txt", single);
        assertEquals("one\n", Files.readString(single));
    }

    @Test
    void copyOutRefusesASymlinkToAnAbsolutePath() throws IOException {
        assertCopyOutRefused("ln -s /etc/passwd $0/evil", "evil");
    }

    @Test
    void copyOutRefusesARelativeSymlinkThatLeavesTheTree() throws IOException {
        assertCopyOutRefused("mkdir $0/sub && ln -s ../../../../../../root/.ssh $0/sub/up", "up");
    }

    @Test
    void copyOutRefusesASourceThatIsItselfASymlink() throws IOException {
        String link = bottle().agentHome() + "/tck-link-" + UUID.randomUUID();
        sh("ln -s /etc " + link);
        Path parent = hostDir("toplink");
        BackendException e = assertThrows(BackendException.class, () -> bottle().copyOut(link, parent.resolve("x")));
        assertTrue(e.getMessage().contains("link"), e.getMessage());
        assertEquals(List.of(), list(parent), "nothing may be left on the host");
    }

    @Test
    void copyOutOfAMissingPathIsAnError() throws IOException {
        Path parent = hostDir("missing");
        assertThrows(BackendException.class,
                () -> bottle().copyOut("/nonexistent-" + UUID.randomUUID(), parent.resolve("x")));
        assertEquals(List.of(), list(parent));
    }

    private void assertCopyOutRefused(String makeLink, String linkName) throws IOException {
        String src = bottle().agentHome() + "/tck-evil-" + UUID.randomUUID();
        sh("mkdir -p " + src + " && echo fine > " + src + "/ok.txt && " + makeLink.replace("$0", src));
        Path parent = hostDir("evil");
        Path target = parent.resolve("back");
        BackendException e = assertThrows(BackendException.class, () -> bottle().copyOut(src, target));
        assertTrue(e.getMessage().contains(linkName), "the refusal should name the link: " + e.getMessage());
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), "nothing may be placed at the target");
        assertEquals(List.of(), list(parent), "no staging may be left on the host");
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
