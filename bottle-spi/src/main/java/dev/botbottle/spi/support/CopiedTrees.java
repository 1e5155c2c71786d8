package dev.botbottle.spi.support;

import dev.botbottle.spi.BackendException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks a tree a backend copied out of a bottle, before it is moved into place on the host
 * ({@link dev.botbottle.spi.Bottle#copyOut}).
 *
 * <p>The bottle controls every byte of such a tree, so it may hold nothing but regular files, directories and
 * symbolic links that resolve inside the copied tree. A link to an absolute path, or one that leaves the tree
 * (also through other links in it), would let the bottle plant a pointer to a host file that whoever trusts the
 * copy later writes through; the copied path itself being a link is refused for the same reason. Devices, FIFOs
 * and sockets are refused, and setuid, setgid and sticky bits are cleared.
 *
 * @since 0.1
 */
public final class CopiedTrees {

    /** Links followed inside the tree before a chain is taken for a loop. */
    private static final int MAX_LINK_DEPTH = 40;

    private CopiedTrees() {
    }

    /**
     * Checks the tree and clears special permission bits.
     *
     * @param root what was copied out, staged on the host (a file, a directory or a link)
     * @param source the path in the bottle, for messages
     * @param slug the bottle, for messages
     * @throws BackendException naming the first entry refused ("nothing was copied")
     * @throws IOException when the tree cannot be read
     */
    public static void check(Path root, String source, String slug) throws IOException {
        if (Files.isSymbolicLink(root)) {
            throw refused(source, slug, source, "is itself a symbolic link (to " + Files.readSymbolicLink(root)
                    + "); copy what it points to instead");
        }
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(root)) {
            entries = walk.toList();
        }
        for (Path entry : entries) {
            String name = entry.equals(root) ? source : source + "/" + root.relativize(entry);
            if (Files.isSymbolicLink(entry)) {
                Path link = Files.readSymbolicLink(entry);
                if (resolveInside(root, entry.getParent(), link, 0).isEmpty()) {
                    throw refused(source, slug, name, "is a symbolic link to " + link + ", outside what was copied");
                }
            } else if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
                    || Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                // Java's POSIX view has no setuid, setgid or sticky bit: writing back what it reads clears them
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(entry, LinkOption.NOFOLLOW_LINKS);
                Files.setPosixFilePermissions(entry, perms);
            } else {
                throw refused(source, slug, name, "is neither a file, a directory nor a symbolic link");
            }
        }
    }

    /**
     * Whether a link placed in {@code directory} (inside {@code root}) with the given target resolves inside
     * {@code root}, following links it passes through the way the kernel would.
     *
     * @param root the tree
     * @param directory the directory holding the link (inside the tree)
     * @param target the link's target
     * @return whether it stays inside
     * @throws IOException when a link in the tree cannot be read
     */
    public static boolean staysInside(Path root, Path directory, Path target) throws IOException {
        return resolveInside(root, directory, target, 0).isPresent();
    }

    private static Optional<Path> resolveInside(Path root, Path directory, Path target, int depth) throws IOException {
        if (target.isAbsolute() || depth > MAX_LINK_DEPTH) {
            return Optional.empty();
        }
        Path current = directory;
        for (Path part : target) {
            String p = part.toString();
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (current.equals(root)) {
                    return Optional.empty();
                }
                current = current.getParent();
                continue;
            }
            Path next = current.resolve(p);
            if (Files.isSymbolicLink(next)) {
                Optional<Path> through = resolveInside(root, current, Files.readSymbolicLink(next), depth + 1);
                if (through.isEmpty()) {
                    return Optional.empty();
                }
                current = through.get();
            } else {
                current = next;
            }
        }
        return current.startsWith(root) ? Optional.of(current) : Optional.empty();
    }

    private static BackendException refused(String source, String slug, String entry, String why) {
        return new BackendException("refusing to copy " + source + " out of bottle " + slug + ": " + entry + " "
                + why + "; nothing was copied");
    }
}
