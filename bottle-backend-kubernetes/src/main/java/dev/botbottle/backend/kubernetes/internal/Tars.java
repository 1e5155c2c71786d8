package dev.botbottle.backend.kubernetes.internal;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Tar archives: how files travel over the exec subresource (the bottle's {@code tar} reads or writes them on its
 * standard streams). Written with the modes asked for; read back without ever writing outside the staging directory.
 */
final class Tars {

    private static final Logger LOG = LoggerFactory.getLogger(Tars.class);
    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

    private Tars() {
    }

    /**
     * Writes {@code source} (a file or a directory tree) as entries named {@code name} and below.
     *
     * @param source a host file or directory
     * @param name the top entry's name
     * @param out where the archive goes
     * @param mode the mode of every file ({@code -1}: each file's own); directories get execute bits where read is
     * @param keepLinks whether links that stay inside the tree travel as links (others are left out and logged);
     *                  otherwise links are followed
     * @return the entries left out
     */
    static List<String> write(Path source, String name, OutputStream out, int mode, boolean keepLinks)
            throws IOException {
        List<String> left = new ArrayList<>();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            List<Path> paths;
            try (Stream<Path> walk = Files.walk(source)) {
                paths = walk.sorted().toList();
            }
            Path root = source.toAbsolutePath().normalize();
            for (Path p : paths) {
                String entryName = p.equals(source) ? name : name + "/" + source.relativize(p).toString();
                if (keepLinks && Files.isSymbolicLink(p)) {
                    Path target = Files.readSymbolicLink(p);
                    Path resolved = p.toAbsolutePath().getParent().resolve(target).normalize();
                    if (target.isAbsolute() || !resolved.startsWith(root)) {
                        left.add(entryName);
                        LOG.info("left out {}: a link to {} names a host path outside the tree", entryName, target);
                        continue;
                    }
                    TarArchiveEntry link = new TarArchiveEntry(entryName, TarConstants.LF_SYMLINK);
                    link.setLinkName(target.toString());
                    tar.putArchiveEntry(link);
                    tar.closeArchiveEntry();
                } else if (Files.isDirectory(p)) {
                    TarArchiveEntry dir = new TarArchiveEntry(entryName + "/");
                    int own = mode(p);
                    dir.setMode(mode < 0 ? own : withExecute(mode));
                    tar.putArchiveEntry(dir);
                    tar.closeArchiveEntry();
                } else if (Files.isRegularFile(p)) {
                    TarArchiveEntry file = new TarArchiveEntry(entryName);
                    file.setSize(Files.size(p));
                    file.setMode(mode < 0 ? mode(p) : mode);
                    tar.putArchiveEntry(file);
                    Files.copy(p, tar);
                    tar.closeArchiveEntry();
                } else {
                    left.add(entryName);
                }
            }
        }
        return left;
    }

    /**
     * Writes host files as the named entries, each with its own mode (the directories above them are left to
     * {@code tar -x}, which makes them).
     *
     * @param files host file by entry name (relative)
     * @param out where the archive goes
     */
    static void writeFiles(Map<String, Path> files, OutputStream out) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Map.Entry<String, Path> e : files.entrySet()) {
                TarArchiveEntry file = new TarArchiveEntry(e.getKey());
                file.setSize(Files.size(e.getValue()));
                file.setMode(mode(e.getValue()));
                tar.putArchiveEntry(file);
                Files.copy(e.getValue(), tar);
                tar.closeArchiveEntry();
            }
        }
    }

    /**
     * Extracts an archive into {@code directory}, refusing entries that would land outside it, devices and FIFOs;
     * links are made last (so none is written through).
     *
     * @param in the archive
     * @param directory an empty directory
     * @param what for messages
     */
    static void extract(InputStream in, Path directory, String what) throws IOException {
        List<TarArchiveEntry> links = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path target = inside(directory, e.getName(), what);
                if (e.isSymbolicLink()) {
                    links.add(e);
                } else if (e.isDirectory()) {
                    Files.createDirectories(target);
                    Files.setPosixFilePermissions(target, permissions(e.getMode() | 0700));
                } else if (e.isFile()) {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target);
                    Files.setPosixFilePermissions(target, permissions(e.getMode() | 0600));
                } else {
                    throw new IOException(what + ": " + e.getName() + " is neither a file, a directory nor a link");
                }
            }
        }
        for (TarArchiveEntry link : links) {
            Path target = inside(directory, link.getName(), what);
            Files.createDirectories(target.getParent());
            Files.createSymbolicLink(target, Path.of(link.getLinkName()));
        }
    }

    private static Path inside(Path root, String name, String what) throws IOException {
        Path p = root.resolve(name).normalize();
        if (!p.startsWith(root)) {
            throw new IOException(what + ": the archive's entry " + name + " would land outside the copy");
        }
        return p;
    }

    private static int withExecute(int mode) {
        return mode | (mode & 0444) >> 2;
    }

    static int mode(Path p) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        int mode = 0;
        for (int i = 0; i < BITS.length; i++) {
            if (perms.contains(BITS[i])) {
                mode |= 1 << i;
            }
        }
        return mode;
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = java.util.EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BITS.length; i++) {
            if ((mode & 1 << i) != 0) {
                perms.add(BITS[i]);
            }
        }
        return perms;
    }
}
