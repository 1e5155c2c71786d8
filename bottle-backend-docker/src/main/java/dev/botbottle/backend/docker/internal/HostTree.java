package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.BackendException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A host directory tree as a tar stream for {@code docker cp -}: regular files and directories with their permission
 * bits and modification times, and the symbolic links that stay inside the tree. Absolute links and links whose
 * target leaves the tree name host paths: they are left out (the engine would refuse them anyway), as are sockets,
 * pipes and devices. Written by a background thread into a pipe, so memory stays bounded whatever the tree's size.
 */
final class HostTree {

    private static final Logger LOG = LoggerFactory.getLogger(HostTree.class);
    private static final int PIPE_BUFFER = 256 * 1024;

    private final Path root;
    private final List<String> leftOut = new ArrayList<>();
    private final AtomicReference<IOException> failure = new AtomicReference<>();

    HostTree(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** @return a stream of the tree as a tar; the tar is written while it is read */
    InputStream open() {
        try {
            PipedInputStream in = new PipedInputStream(PIPE_BUFFER);
            PipedOutputStream out = new PipedOutputStream(in);
            Thread writer = new Thread(() -> {
                try (out) {
                    try {
                        write(out);
                    } catch (IOException | UncheckedIOException e) {
                        // recorded before the pipe closes, so the reader's end of file comes after it
                        failure.set(e instanceof UncheckedIOException u ? u.getCause() : (IOException) e);
                    }
                } catch (IOException e) {
                    failure.compareAndSet(null, e);
                }
            }, "tar-" + root.getFileName());
            writer.setDaemon(true);
            writer.start();
            return in;
        } catch (IOException e) {
            throw new BackendException("cannot stream " + root + ": " + e.getMessage(), e);
        }
    }

    /** @return the paths (relative to the root) left out of the tar, once it was read to its end */
    List<String> leftOut() {
        return List.copyOf(leftOut);
    }

    /** @throws BackendException when writing the tar failed (a file vanished or could not be read) */
    void checkWritten() {
        IOException e = failure.get();
        if (e != null) {
            throw new BackendException("could not read " + root + " while copying it: " + e.getMessage(), e);
        }
    }

    private void write(OutputStream sink) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(sink)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!dir.equals(root)) {
                        TarArchiveEntry e = new TarArchiveEntry(name(dir) + "/");
                        describe(e, dir, attrs);
                        tar.putArchiveEntry(e);
                        tar.closeArchiveEntry();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isSymbolicLink()) {
                        Path target = Files.readSymbolicLink(file);
                        if (target.isAbsolute() || !file.getParent().resolve(target).normalize().startsWith(root)) {
                            leftOut.add(name(file));
                            return FileVisitResult.CONTINUE;
                        }
                        TarArchiveEntry e = new TarArchiveEntry(name(file), TarConstants.LF_SYMLINK);
                        e.setLinkName(target.toString());
                        e.setModTime(attrs.lastModifiedTime());
                        tar.putArchiveEntry(e);
                        tar.closeArchiveEntry();
                    } else if (attrs.isRegularFile()) {
                        TarArchiveEntry e = new TarArchiveEntry(name(file));
                        describe(e, file, attrs);
                        e.setSize(attrs.size());
                        tar.putArchiveEntry(e);
                        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                            in.transferTo(tar);
                        }
                        tar.closeArchiveEntry();
                    } else {
                        leftOut.add(name(file));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
            tar.finish();
        }
        if (!leftOut.isEmpty()) {
            LOG.warn("copying {}: left out {} entr{} that would reach outside it or are not files (absolute or escaping"
                    + " links, sockets, pipes): {}", root, leftOut.size(), leftOut.size() == 1 ? "y" : "ies", leftOut);
        }
    }

    private String name(Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    private static void describe(TarArchiveEntry e, Path p, BasicFileAttributes attrs) throws IOException {
        e.setMode(mode(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS), attrs.isDirectory()));
        e.setModTime(attrs.lastModifiedTime());
    }

    private static int mode(Set<PosixFilePermission> perms, boolean directory) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= switch (p) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return (directory ? 040000 : 0100000) | mode;
    }
}
