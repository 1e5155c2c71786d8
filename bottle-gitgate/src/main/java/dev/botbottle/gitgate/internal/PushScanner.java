package dev.botbottle.gitgate.internal;

import dev.botbottle.dlp.DlpFinding;
import dev.botbottle.dlp.DlpScanner;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevTag;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Scans what a push adds for secrets: every new commit's message and the content of every file it adds or changes,
 * and the message of a new annotated tag. New means reachable from the pushed tips and from no ref the gate already
 * had. Blobs are read in chunks with an overlap, so memory stays bounded whatever their size.
 */
public final class PushScanner {

    static final int CHUNK = 1 << 20;
    static final int OVERLAP = 4096;

    private final DlpScanner scanner;

    /** @param scanner the rules (and literal credentials) to apply */
    public PushScanner(DlpScanner scanner) {
        this.scanner = scanner;
    }

    /**
     * @param repo the repository the push was received into (its refs not updated yet)
     * @param tips the pushed new object ids
     * @return the first secret found, described for the agent, or empty
     */
    public Optional<String> scan(Repository repo, List<ObjectId> tips) throws IOException {
        try (RevWalk walk = new RevWalk(repo); ObjectReader reader = repo.newObjectReader()) {
            boolean any = false;
            for (ObjectId tip : tips) {
                RevObject o = walk.parseAny(tip);
                while (o instanceof RevTag tag) {
                    walk.parseBody(tag);
                    Optional<String> f = describe(scanner.scan(tag.getFullMessage()), "tag " + tag.getTagName()
                            + " (" + tag.abbreviate(7).name() + ")", "its message");
                    if (f.isPresent()) {
                        return f;
                    }
                    o = walk.peel(tag);
                }
                if (o instanceof RevCommit c) {
                    walk.markStart(c);
                    any = true;
                }
            }
            if (!any) {
                return Optional.empty();
            }
            for (Ref r : repo.getRefDatabase().getRefs()) {
                ObjectId id = r.getPeeledObjectId() != null ? r.getPeeledObjectId() : r.getObjectId();
                if (id != null) {
                    RevObject known = walk.parseAny(id);
                    RevObject peeled = walk.peel(known);
                    if (peeled instanceof RevCommit kc) {
                        walk.markUninteresting(kc);
                    }
                }
            }
            Set<ObjectId> seen = new HashSet<>();
            for (RevCommit c : walk) {
                String where = "commit " + c.abbreviate(7).name();
                Optional<String> f = describe(scanner.scan(c.getFullMessage()), where, "its message");
                if (f.isPresent()) {
                    return f;
                }
                f = scanChanges(reader, c, where, seen);
                if (f.isPresent()) {
                    return f;
                }
            }
            return Optional.empty();
        }
    }

    private Optional<String> scanChanges(ObjectReader reader, RevCommit c, String where, Set<ObjectId> seen)
            throws IOException {
        try (TreeWalk tw = new TreeWalk(reader)) {
            tw.setRecursive(true);
            if (c.getParentCount() == 0) {
                tw.addTree(new org.eclipse.jgit.treewalk.EmptyTreeIterator());
            } else {
                tw.addTree(c.getParent(0).getTree());
            }
            tw.addTree(c.getTree());
            tw.setFilter(TreeFilter.ANY_DIFF);
            while (tw.next()) {
                if (tw.getFileMode(1).getObjectType() != Constants.OBJ_BLOB || tw.getFileMode(1) == FileMode.GITLINK) {
                    continue;
                }
                ObjectId blob = tw.getObjectId(1);
                if (!seen.add(blob)) {
                    continue;
                }
                Optional<String> rule = scanBlob(reader.open(blob, Constants.OBJ_BLOB));
                if (rule.isPresent()) {
                    return Optional.of(where + " adds a secret (" + rule.get() + ") in " + tw.getPathString());
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> scanBlob(ObjectLoader loader) throws IOException {
        if (loader.getSize() <= CHUNK) {
            return first(scanner.scan(new String(loader.getCachedBytes(), StandardCharsets.ISO_8859_1)));
        }
        try (InputStream in = loader.openStream()) {
            byte[] buf = new byte[CHUNK + OVERLAP];
            int carried = 0;
            while (true) {
                int n = in.readNBytes(buf, carried, CHUNK);
                if (n <= 0) {
                    return Optional.empty();
                }
                int len = carried + n;
                Optional<String> rule = first(scanner.scan(new String(buf, 0, len, StandardCharsets.ISO_8859_1)));
                if (rule.isPresent()) {
                    return rule;
                }
                carried = Math.min(OVERLAP, len);
                System.arraycopy(buf, len - carried, buf, 0, carried);
            }
        }
    }

    private static Optional<String> first(List<DlpFinding> findings) {
        return findings.isEmpty() ? Optional.empty() : Optional.of(findings.get(0).rule());
    }

    private static Optional<String> describe(List<DlpFinding> findings, String where, String what) {
        return first(findings).map(rule -> where + " carries a secret (" + rule + ") in " + what);
    }
}
