package dev.botbottle.core.supervise;

import dev.botbottle.core.state.StateStore;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.Decision;
import dev.botbottle.spi.Proposal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Proposals and answers as records of each bottle's {@link StateStore}, readable and writable from any process that
 * shares the store (the processes of one host for a {@link dev.botbottle.core.state.DirectoryStateStore}, every host
 * for a {@link dev.botbottle.core.state.RecordStateStore} over a cluster's records): {@code proposal-<id>} (filed by
 * the bottle's holder), {@code answer-<id>} (written by whoever decides first: the holder's handler or
 * {@code bottle supervise}; never overwritten) and {@code done-<id>} (the holder's record once it applied the
 * answer), each created once ({@link StateStore#createRecord}). A proposal is pending while it has neither an answer
 * nor a done record; an answer waits until the bottle's holder (or the next runtime to take the bottle on, on any
 * host) applies it. What stays with the state directory of a host: the supervise audit, the approved image changes
 * awaiting a rebuild and the supervise bearer ({@code supervise/} in {@link StateStore#directory}).
 *
 * @since 0.1
 */
public final class ProposalStore {

    static final String DIR = "supervise";
    static final String BEARER = "bearer.json";
    static final String PROPOSAL = "proposal-";
    static final String ANSWER = "answer-";
    static final String DONE = "done-";

    private final StateStore state;

    /** @param state the state store whose bottles' directories hold the files */
    public ProposalStore(StateStore state) {
        this.state = state;
    }

    /**
     * What the holder recorded once it applied an answer.
     *
     * @param proposal the proposal
     * @param decision the decision as applied (a decision that could not be applied is recorded as a rejection
     *                 saying why)
     * @param appliedAt when
     */
    public record Done(Proposal proposal, Decision decision, Instant appliedAt) {
    }

    /** @return every pending (unanswered) proposal of every bottle, oldest first */
    public List<Proposal> pending() {
        List<Proposal> out = new ArrayList<>();
        for (String slug : state.slugs()) {
            out.addAll(pending(slug));
        }
        out.sort(Comparator.comparing(Proposal::createdAt));
        return out;
    }

    /** @param slug a bottle @return its pending proposals, oldest first */
    public List<Proposal> pending(String slug) {
        List<Proposal> out = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>(state.recordNames(slug, ""));
        for (String id : ids(names, PROPOSAL)) {
            if (!names.contains(DONE + id) && !names.contains(ANSWER + id)) {
                read(slug, PROPOSAL + id, Proposal.class).filter(p -> p.slug().equals(slug) && p.id().equals(id))
                        .ifPresent(out::add);
            }
        }
        out.sort(Comparator.comparing(Proposal::createdAt));
        return out;
    }

    /**
     * @param id a proposal id
     * @return the proposal with that id in whichever bottle holds it, pending or done
     */
    public Optional<Proposal> find(String id) {
        if (!Proposal.ID.matcher(id).matches()) {
            return Optional.empty();
        }
        for (String slug : state.slugs()) {
            Optional<Proposal> p = find(slug, id);
            if (p.isPresent()) {
                return p;
            }
        }
        return Optional.empty();
    }

    /** @param slug a bottle @param id a proposal id @return that bottle's proposal, pending or done */
    public Optional<Proposal> find(String slug, String id) {
        if (!Proposal.ID.matcher(id).matches()) {
            return Optional.empty();
        }
        Optional<Proposal> p = read(slug, PROPOSAL + id, Proposal.class);
        if (p.isEmpty()) {
            p = done(slug, id).map(Done::proposal);
        }
        return p.filter(x -> x.slug().equals(slug) && x.id().equals(id));
    }

    /** @param slug a bottle @param id a proposal id @return its answer, if one was written and not yet applied or done */
    public Optional<Decision> answer(String slug, String id) {
        return read(slug, ANSWER + id, Decision.class);
    }

    /** @param slug a bottle @param id a proposal id @return the holder's record, once it applied the answer */
    public Optional<Done> done(String slug, String id) {
        return read(slug, DONE + id, Done.class);
    }

    /**
     * Answers a pending proposal, unless someone answered it first.
     *
     * @param proposal the proposal
     * @param decision the decision
     * @return whether this answer was recorded (false when another one was there first)
     */
    public boolean answer(Proposal proposal, Decision decision) {
        if (find(proposal.slug(), proposal.id()).isEmpty()) {
            throw new BottleException("bottle " + proposal.slug() + " has no proposal " + proposal.id());
        }
        boolean first = state.createRecord(proposal.slug(), ANSWER + proposal.id(), SuperviseJson.write(decision, true));
        if (first) {
            new SuperviseAudit(root(proposal.slug())).record("answered", proposal.slug(), proposal.id(),
                    java.util.Map.of("decision", decision, "by_pid", ProcessHandle.current().pid()));
        }
        return first;
    }

    /**
     * @param slug a bottle
     * @return the Dockerfile instructions approved for it since its image was last built, when a rebuild is due
     */
    public Optional<String> pendingImageChanges(String slug) {
        Path dir = root(slug);
        if (!Files.exists(dir.resolve(BottleDesk.REBUILD))) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(dir.resolve(BottleDesk.IMAGE_CHANGES), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BottleException("cannot read the approved image changes of " + slug + ": " + e.getMessage(), e);
        }
    }

    /**
     * Records that the bottle's image was rebuilt with its pending image changes: the marker goes, the changes move
     * to {@code supervise/image-applied.Dockerfile} (so the next rebuild applies only newer ones), and the audit says so.
     *
     * @param slug a bottle
     * @param instructions the instructions the rebuild applied
     */
    public void imageRebuilt(String slug, String instructions) {
        Path dir = root(slug);
        try {
            Path applied = dir.resolve("image-applied.Dockerfile");
            String before = Files.exists(applied) ? Files.readString(applied, StandardCharsets.UTF_8) : "";
            replace(applied, before + instructions);
            Files.deleteIfExists(dir.resolve(BottleDesk.REBUILD));
            Files.deleteIfExists(dir.resolve(BottleDesk.IMAGE_CHANGES));
        } catch (IOException e) {
            throw new BottleException("cannot record the rebuild of " + slug + ": " + e.getMessage(), e);
        }
        new SuperviseAudit(dir).record("rebuilt", slug, "", java.util.Map.of("applied", instructions));
    }

    /**
     * Keeps a bottle's supervise bearer for execs started by other processes ({@code bottle exec} of a detached
     * bottle), in {@code supervise/bearer.json}, mode 0600 (the state directory is 0700).
     *
     * @param slug a bottle
     * @param envName the variable the agent's CLI reads it from
     * @param bearer the bearer
     */
    public void rememberBearer(String slug, String envName, dev.botbottle.spi.Secret bearer) {
        Path file = root(slug).resolve(BEARER);
        replace(file, SuperviseJson.write(java.util.Map.of(envName, bearer.reveal()), false));
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: the state directory's own permissions apply
        }
    }

    /** @param slug a bottle @return its supervise bearer by variable name, as its holder last started it; empty if none */
    public java.util.Map<String, String> rememberedBearer(String slug) {
        Path file = root(slug).resolve(BEARER);
        if (!Files.isRegularFile(file)) {
            return java.util.Map.of();
        }
        try {
            java.util.Map<String, String> env = SuperviseJson.MAPPER.readValue(Files.readString(file, StandardCharsets.UTF_8),
                    new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, String>>() { });
            return java.util.Map.copyOf(env);
        } catch (IOException e) {
            throw new BottleException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** @param slug a bottle @return ids of the answers written for it that have no done record yet */
    List<String> unapplied(String slug) {
        java.util.Set<String> names = new java.util.HashSet<>(state.recordNames(slug, ""));
        return ids(names, ANSWER).stream().filter(id -> !names.contains(DONE + id)).toList();
    }

    void file(Proposal proposal) {
        if (!state.createRecord(proposal.slug(), PROPOSAL + proposal.id(), SuperviseJson.write(proposal, true))) {
            throw new BottleException("proposal " + proposal.id() + " exists already");
        }
    }

    void done(Done done) {
        state.createRecord(done.proposal().slug(), DONE + done.proposal().id(), SuperviseJson.write(done, true));
    }

    /** @param slug a bottle @return its {@code supervise/} directory */
    Path root(String slug) {
        return state.directory(slug).resolve(DIR);
    }

    /** @return the proposal ids of the names starting with {@code prefix}, sorted */
    private static List<String> ids(java.util.Collection<String> names, String prefix) {
        return names.stream().filter(n -> n.startsWith(prefix)).map(n -> n.substring(prefix.length()))
                .filter(id -> Proposal.ID.matcher(id).matches()).sorted().toList();
    }

    private <T> Optional<T> read(String slug, String record, Class<T> type) {
        Optional<String> json = state.readRecord(slug, record);
        try {
            return json.isEmpty() ? Optional.empty() : Optional.of(SuperviseJson.MAPPER.readValue(json.get(), type));
        } catch (IOException e) {
            throw new BottleException("cannot read the supervise record " + record + " of bottle " + slug + ": "
                    + e.getMessage() + "; remove the record if it is damaged", e);
        }
    }

    /** Writes {@code content} to {@code target}, replacing it atomically. */
    static void replace(Path target, String content) {
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new BottleException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
