package dev.botbottle.backend.smolvm.internal;

import dev.botbottle.spi.BackendException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Tar archives of host trees, since smolvm's {@code cp} moves single files: written with file modes and
 * symlinks kept, and read back without ever writing outside the target directory (entries are checked, links are
 * created last, devices and FIFOs are refused).
 */
public final class TarTrees {

    private static final PosixFilePermission[] BITS = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

    private TarTrees() {
    }

    /**
     * Writes a host file or directory into a tar whose single top entry is {@code name}, keeping file modes.
     * Symlinks are stored as links (for a tree, only relative ones that stay inside it); sockets, FIFOs and devices
     * are left out.
     *
     * @param source a host file or directory
     * @param name the top entry's name
     * @param tar the archive to write
     * @param insideLinksOnly whether to leave out absolute links and links that leave {@code source}
     * @return what was left out, relative to {@code source}
     * @throws IOException when reading or writing fails
     */
    public static List<String> write(Path source, String name, Path tar, boolean insideLinksOnly) throws IOException {
        List<String> leftOut = new ArrayList<>();
        Path root = source.toAbsolutePath().normalize();
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tar));
             TarArchiveOutputStream out = new TarArchiveOutputStream(file)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            List<Path> paths;
            try (Stream<Path> walk = Files.walk(source)) {
                paths = walk.toList();
            }
            for (Path p : paths) {
                String entryName = p.equals(source) ? name : name + "/" + source.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    Path link = Files.readSymbolicLink(p);
                    if (insideLinksOnly && (link.isAbsolute() || !dev.botbottle.spi.support.CopiedTrees.staysInside(
                            root, root.resolve(source.relativize(p)).getParent(), link))) {
                        leftOut.add(source.relativize(p).toString());
                        continue;
                    }
                    TarArchiveEntry e = new TarArchiveEntry(entryName, TarArchiveEntry.LF_SYMLINK);
                    e.setLinkName(link.toString());
                    e.setMode(0120777);
                    out.putArchiveEntry(e);
                    out.closeArchiveEntry();
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    TarArchiveEntry e = new TarArchiveEntry(entryName + "/");
                    e.setMode(TarArchiveEntry.DEFAULT_DIR_MODE & ~0777 | mode(p));
                    out.putArchiveEntry(e);
                    out.closeArchiveEntry();
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    TarArchiveEntry e = new TarArchiveEntry(entryName);
                    e.setSize(Files.size(p));
                    e.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~0777 | mode(p));
                    out.putArchiveEntry(e);
                    Files.copy(p, out);
                    out.closeArchiveEntry();
                } else {
                    leftOut.add(source.relativize(p).toString());
                }
            }
            out.finish();
        }
        return leftOut;
    }

    /**
     * Extracts an archive into an empty directory. Every entry must stay inside it; symlinks and hard links are
     * made after all files and directories (so no entry is written through a link); directories get their modes
     * last; modes lose setuid, setgid and sticky bits.
     *
     * @param tar the archive
     * @param directory an empty directory
     * @param what what is being copied, for messages
     * @throws BackendException when an entry is refused
     * @throws IOException when reading or writing fails
     */
    public static void extract(Path tar, Path directory, String what) throws IOException {
        Path root = directory.toAbsolutePath().normalize();
        Map<Path, String> symlinks = new LinkedHashMap<>();
        Map<Path, Path> hardLinks = new LinkedHashMap<>();
        Map<Path, Integer> directoryModes = new LinkedHashMap<>();
        try (InputStream file = new BufferedInputStream(Files.newInputStream(tar));
             TarArchiveInputStream in = new TarArchiveInputStream(file)) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                Path target = inside(root, entry.getName(), what);
                if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
                    throw new BackendException("refusing to copy " + what + ": " + entry.getName()
                            + " is neither a file, a directory nor a symbolic link; nothing was copied");
                } else if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    directoryModes.put(target, entry.getMode() & 0777);
                } else if (entry.isSymbolicLink()) {
                    symlinks.put(target, entry.getLinkName());
                } else if (entry.isLink()) {
                    hardLinks.put(target, inside(root, entry.getLinkName(), what));
                } else if (entry.isFile()) {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(target, permissions(entry.getMode()));
                } else {
                    throw new BackendException("refusing to copy " + what + ": " + entry.getName()
                            + " is neither a file, a directory nor a symbolic link; nothing was copied");
                }
            }
        }
        for (Map.Entry<Path, Path> link : hardLinks.entrySet()) {
            if (!Files.isRegularFile(link.getValue(), LinkOption.NOFOLLOW_LINKS)) {
                throw new BackendException("refusing to copy " + what + ": hard link " + root.relativize(link.getKey())
                        + " points to no file in the copy; nothing was copied");
            }
            Files.createDirectories(link.getKey().getParent());
            Files.copy(link.getValue(), link.getKey(), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.COPY_ATTRIBUTES);
        }
        for (Map.Entry<Path, String> link : symlinks.entrySet()) {
            Files.createDirectories(link.getKey().getParent());
            Files.createSymbolicLink(link.getKey(), Path.of(link.getValue()));
        }
        List<Path> dirs = new ArrayList<>(directoryModes.keySet());
        dirs.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path d : dirs) {
            Files.setPosixFilePermissions(d, permissions(directoryModes.get(d)));
        }
    }

    private static Path inside(Path root, String name, String what) {
        Path relative = Path.of(name);
        Path target = root.resolve(name).normalize();
        if (name.isEmpty() || relative.isAbsolute() || !target.startsWith(root) || target.equals(root)) {
            throw new BackendException("refusing to copy " + what + ": the archive entry '" + name
                    + "' would land outside the copy; nothing was copied");
        }
        for (Path parent = target.getParent(); !parent.equals(root); parent = parent.getParent()) {
            if (Files.isSymbolicLink(parent)) {
                throw new BackendException("refusing to copy " + what + ": the archive entry '" + name
                        + "' would be written through a symbolic link; nothing was copied");
            }
        }
        return target;
    }

    static int mode(Path p) throws IOException {
        int mode = 0;
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        for (int i = 0; i < BITS.length; i++) {
            if (perms.contains(BITS[i])) {
                mode |= 1 << i;
            }
        }
        return mode;
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BITS.length; i++) {
            if ((mode & (1 << i)) != 0) {
                perms.add(BITS[i]);
            }
        }
        return perms;
    }
}
