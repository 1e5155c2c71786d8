package dev.botbottle.gitgate.internal;

import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The host's bare mirror of one upstream URL, shared read-only by every bottle that uses that upstream (their
 * repositories borrow its objects through {@code objects/info/alternates}), so the second bottle of a repository
 * does not download it again. Refreshes are serialised within this JVM and, through a file lock, across processes.
 */
public final class Mirror {

    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    private static final List<RefSpec> SPECS = List.of(new RefSpec("+refs/heads/*:refs/heads/*"),
            new RefSpec("+refs/tags/*:refs/tags/*"));

    /** What upstream had at the last refresh: its branches and tags, and the branch its HEAD names. */
    public record Snapshot(Map<String, ObjectId> refs, Optional<String> head) {
    }

    private final Path dir;
    private final Repository repo;

    private Mirror(Path dir, Repository repo) {
        this.dir = dir;
        this.repo = repo;
    }

    /**
     * @param root where the host keeps mirrors
     * @param url the upstream URL (the mirror's identity)
     * @return the mirror, created empty if missing
     */
    public static Mirror open(Path root, String url) {
        Path dir = root.resolve(key(url) + ".git");
        try {
            Files.createDirectories(root);
            Repository repo = FileRepositoryBuilder.create(dir.toFile());
            if (!Files.exists(dir.resolve("objects"))) {
                withLock(dir, () -> {
                    if (!Files.exists(dir.resolve("objects"))) {
                        repo.create(true);
                        // objects are shared by reference: never prune or pack them away
                        repo.getConfig().setBoolean("gc", null, "auto", false);
                        repo.getConfig().setInt("gc", null, "auto", 0);
                        repo.getConfig().setString("bottle", null, "upstream", url.replaceAll("[\\r\\n]", ""));
                        repo.getConfig().save();
                    }
                    return null;
                });
            }
            return new Mirror(dir, repo);
        } catch (IOException e) {
            throw new GateException("cannot open the git mirror " + dir + ": " + e.getMessage(), e);
        }
    }

    /** @return the objects directory bottles borrow from */
    public Path objects() {
        return dir.resolve("objects");
    }

    /** @return the repository */
    public Repository repository() {
        return repo;
    }

    /** Fetches from upstream (under the mirror's lock) and returns what upstream has now. */
    public Snapshot refresh(Upstream upstream) {
        return withLock(dir, () -> {
            FetchResult result = upstream.fetch(repo, SPECS);
            Optional<String> head = head(result);
            head.ifPresent(h -> {
                try {
                    RefUpdate u = repo.updateRef(Constants.HEAD);
                    u.disableRefLog();
                    u.link(h);
                } catch (IOException e) {
                    throw new GateException("cannot update the mirror's HEAD: " + e.getMessage(), e);
                }
            });
            return new Snapshot(refs(), head);
        });
    }

    /** @return the branch upstream's HEAD named at the last refresh, if it named one */
    public Optional<String> head() {
        try {
            Ref h = repo.exactRef(Constants.HEAD);
            return h != null && h.isSymbolic() ? Optional.of(h.getTarget().getName()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Map<String, ObjectId> refs() {
        try {
            Map<String, ObjectId> out = new LinkedHashMap<>();
            for (Ref r : repo.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
                out.put(r.getName(), r.getObjectId());
            }
            for (Ref r : repo.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
                out.put(r.getName(), r.getObjectId());
            }
            return out;
        } catch (IOException e) {
            throw new GateException("cannot read the mirror's refs: " + e.getMessage(), e);
        }
    }

    private static Optional<String> head(FetchResult result) {
        Ref head = result.getAdvertisedRef(Constants.HEAD);
        if (head == null) {
            return Optional.empty();
        }
        if (head.isSymbolic()) {
            return Optional.of(head.getTarget().getName());
        }
        ObjectId id = head.getObjectId();
        String best = null;
        for (Ref r : result.getAdvertisedRefs()) {
            if (r.getName().startsWith(Constants.R_HEADS) && id != null && id.equals(r.getObjectId())) {
                if (best == null || r.getName().equals("refs/heads/main") || r.getName().equals("refs/heads/master")) {
                    best = r.getName();
                }
            }
        }
        return Optional.ofNullable(best);
    }

    interface Locked<T> {
        T run() throws IOException;
    }

    private static <T> T withLock(Path dir, Locked<T> body) {
        ReentrantLock lock = LOCKS.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> new ReentrantLock());
        lock.lock();
        try (FileChannel ch = FileChannel.open(dir.resolveSibling(dir.getFileName() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            return body.run();
        } catch (IOException e) {
            throw new GateException("cannot lock the git mirror " + dir + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private static String key(String url) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes the repository handle (the mirror stays on disk for the next bottle). */
    public void close() {
        repo.close();
    }
}
