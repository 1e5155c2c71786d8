package dev.botbottle.gitgate.internal;

import dev.botbottle.spi.GatewayAuditEntry;
import dev.botbottle.spi.GitRemote;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UploadPack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One remote of one bottle: the bottle's own bare repository (its objects borrowed from the shared {@link Mirror}),
 * refreshed from upstream before each fetch, and the push path: policy, secret scan, then upstream, ref by ref.
 */
public final class RemoteGate implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteGate.class);

    private final String slug;
    private final GitRemote remote;
    private final Repository repo;
    private final Mirror mirror;
    private final Upstream upstream;
    private final PushRules rules;
    private final PushScanner scanner;
    private final Consumer<GatewayAuditEntry> audit;
    private final Object refreshLock = new Object();

    /**
     * @param slug the bottle
     * @param remote the remote
     * @param dir the bottle's repository of this remote (created if missing)
     * @param mirror the shared mirror of the remote's upstream
     * @param upstream how to reach upstream
     * @param scanner the secret scan for pushes
     * @param audit receives a refused fetch and each ref of a push with its verdict
     */
    public RemoteGate(String slug, GitRemote remote, Path dir, Mirror mirror, Upstream upstream, PushScanner scanner,
                      Consumer<GatewayAuditEntry> audit) {
        this.audit = audit;
        this.slug = slug;
        this.remote = remote;
        this.mirror = mirror;
        this.upstream = upstream;
        this.rules = new PushRules(remote.push());
        this.scanner = scanner;
        try {
            this.repo = FileRepositoryBuilder.create(dir.toFile());
            if (!Files.exists(dir.resolve("objects"))) {
                repo.create(true);
                repo.getConfig().setBoolean("gc", null, "auto", false);
                repo.getConfig().save();
            }
            Path alternates = dir.resolve("objects").resolve("info").resolve("alternates");
            Files.createDirectories(alternates.getParent());
            Files.writeString(alternates, mirror.objects().toAbsolutePath() + "\n");
        } catch (IOException e) {
            throw new GateException("cannot prepare the repository of remote " + remote.name() + " in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /** @return the remote */
    public GitRemote remote() {
        return remote;
    }

    /**
     * Refreshes the shared mirror from upstream and points this bottle's branches, tags and HEAD at what upstream
     * has.
     *
     * @throws GateException when upstream cannot be reached or refuses (the fetch fails closed)
     */
    public void refresh() {
        synchronized (refreshLock) {
            long t0 = System.nanoTime();
            Mirror.Snapshot snap = mirror.refresh(upstream);
            LOG.debug("bottle {}: refreshed {} from upstream in {} ms", slug, remote.name(), (System.nanoTime() - t0) / 1_000_000);
            try {
                for (Ref r : repo.getRefDatabase().getRefsByPrefix(Constants.R_REFS)) {
                    if (!snap.refs().containsKey(r.getName())) {
                        RefUpdate u = repo.updateRef(r.getName());
                        u.setForceUpdate(true);
                        u.disableRefLog();
                        u.delete();
                    }
                }
                for (Map.Entry<String, ObjectId> e : snap.refs().entrySet()) {
                    Ref current = repo.exactRef(e.getKey());
                    if (current == null || !e.getValue().equals(current.getObjectId())) {
                        RefUpdate u = repo.updateRef(e.getKey());
                        u.setNewObjectId(e.getValue());
                        u.setForceUpdate(true);
                        u.disableRefLog();
                        RefUpdate.Result res = u.update();
                        if (res == RefUpdate.Result.LOCK_FAILURE || res == RefUpdate.Result.IO_FAILURE
                                || res == RefUpdate.Result.REJECTED_MISSING_OBJECT) {
                            throw new GateException("git gate: cannot update " + e.getKey() + " from the mirror: " + res);
                        }
                    }
                }
                if (snap.head().isPresent()) {
                    RefUpdate h = repo.updateRef(Constants.HEAD);
                    h.disableRefLog();
                    h.link(snap.head().get());
                }
            } catch (IOException e) {
                throw new GateException("git gate: cannot update the bottle's copy of " + remote.name() + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /** Writes the upload-pack advertisement, after refreshing from upstream; a failure is git's {@code ERR} line. */
    public void advertiseUploadPack(OutputStream out) throws IOException {
        PacketLineOut pck = serviceHeader(out, "git-upload-pack");
        try {
            refresh();
        } catch (GateException e) {
            LOG.warn("bottle {}: fetch of {} refused: {}", slug, remote.name(), e.getMessage());
            audit.accept(GatewayAuditEntry.deny("gitgate", "fetch", remote.name(), 0, oneLine(e.getMessage())));
            pck.writeString("ERR " + oneLine(e.getMessage()) + "\n");
            pck.flush();
            return;
        }
        UploadPack up = new UploadPack(repo);
        up.setBiDirectionalPipe(false);
        up.sendAdvertisedRefs(new RefAdvertiser.PacketLineOutRefAdvertiser(pck));
        pck.flush();
    }

    /** Serves the pack negotiation and pack of a fetch or clone. */
    public void uploadPack(InputStream in, OutputStream out) throws IOException {
        UploadPack up = new UploadPack(repo);
        up.setBiDirectionalPipe(false);
        up.upload(in, out, null);
    }

    /** Writes the receive-pack advertisement (this bottle's refs as of its last fetch). */
    public void advertiseReceivePack(OutputStream out) throws IOException {
        upstream.prewarm();
        PacketLineOut pck = serviceHeader(out, "git-receive-pack");
        receivePack().sendAdvertisedRefs(new RefAdvertiser.PacketLineOutRefAdvertiser(pck));
        pck.flush();
    }

    /** Receives a push: policy and secret scan per ref, then upstream; a ref lands only when upstream took it. */
    public void receivePack(InputStream in, OutputStream out) throws IOException {
        ReceivePack rp = receivePack();
        rp.setBiDirectionalPipe(false);
        rp.receive(in, out, null);
    }

    private ReceivePack receivePack() {
        ReceivePack rp = new ReceivePack(repo);
        rp.setAtomic(false);
        if (rules.maxPushBytes() > 0) {
            rp.setMaxPackSizeLimit(rules.maxPushBytes());
        }
        rp.setPreReceiveHook((pack, commands) -> onPush(pack, new ArrayList<>(commands)));
        return rp;
    }

    private void onPush(ReceivePack rp, List<ReceiveCommand> commands) {
        long t0 = System.nanoTime();
        Optional<String> defaultBranch = mirror.head();
        List<ReceiveCommand> accepted = new ArrayList<>();
        for (ReceiveCommand cmd : commands) {
            if (cmd.getResult() != ReceiveCommand.Result.NOT_ATTEMPTED) {
                continue;
            }
            Optional<String> refusal = rules.check(cmd, defaultBranch);
            if (refusal.isEmpty() && cmd.getType() != ReceiveCommand.Type.DELETE) {
                try {
                    refusal = scanner.scan(repo, List.of(cmd.getNewId())).map(s -> "secret scan: " + s);
                } catch (IOException e) {
                    refusal = Optional.of("secret scan failed: " + e.getMessage());
                }
            }
            if (refusal.isPresent()) {
                refuse(rp, cmd, refusal.get());
            } else {
                accepted.add(cmd);
            }
        }
        if (accepted.isEmpty()) {
            return;
        }
        long t1 = System.nanoTime();
        List<RemoteRefUpdate> updates = new ArrayList<>();
        try {
            for (ReceiveCommand cmd : accepted) {
                boolean delete = cmd.getType() == ReceiveCommand.Type.DELETE;
                boolean force = cmd.getType() == ReceiveCommand.Type.UPDATE_NONFASTFORWARD;
                updates.add(new RemoteRefUpdate(repo, delete ? null : cmd.getNewId().name(),
                        delete ? null : cmd.getNewId(), cmd.getRefName(), force, null, cmd.getOldId()));
            }
            PushResult result = upstream.push(repo, updates);
            LOG.debug("bottle {}: push to {}: policy and scan {} ms, upstream {} ms", slug, remote.name(),
                    (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
            for (ReceiveCommand cmd : accepted) {
                RemoteRefUpdate u = result.getRemoteUpdate(cmd.getRefName());
                RemoteRefUpdate.Status s = u == null ? RemoteRefUpdate.Status.NOT_ATTEMPTED : u.getStatus();
                if (s != RemoteRefUpdate.Status.OK && s != RemoteRefUpdate.Status.UP_TO_DATE) {
                    refuse(rp, cmd, "upstream " + upstream.address() + " refused it: " + describe(s)
                            + (u != null && u.getMessage() != null ? " (" + u.getMessage() + ")" : ""));
                } else {
                    LOG.info("bottle {}: pushed {} of {} upstream ({} -> {})", slug, cmd.getRefName(), remote.name(),
                            cmd.getOldId().abbreviate(7).name(), cmd.getNewId().abbreviate(7).name());
                    audit.accept(GatewayAuditEntry.allow("gitgate", "push", remote.name() + " " + cmd.getRefName(), 0,
                            "pushed upstream (" + cmd.getOldId().abbreviate(7).name() + " -> "
                                    + cmd.getNewId().abbreviate(7).name() + ")"));
                }
            }
        } catch (GateException | IOException e) {
            for (ReceiveCommand cmd : accepted) {
                refuse(rp, cmd, oneLine(e.getMessage()));
            }
        }
    }

    private void refuse(ReceivePack rp, ReceiveCommand cmd, String why) {
        LOG.warn("bottle {}: push of {} to {} refused: {}", slug, cmd.getRefName(), remote.name(), why);
        audit.accept(GatewayAuditEntry.deny("gitgate", "push", remote.name() + " " + cmd.getRefName(), 0, why));
        cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, why);
        rp.sendMessage("git gate refused " + cmd.getRefName() + ": " + why);
    }

    private static String describe(RemoteRefUpdate.Status s) {
        return switch (s) {
            case REJECTED_NONFASTFORWARD -> "not a fast-forward there (fetch and merge or rebase first)";
            case REJECTED_REMOTE_CHANGED -> "it changed upstream since your last fetch (fetch first)";
            case REJECTED_NODELETE -> "upstream does not allow deleting it";
            default -> s.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        };
    }

    private static PacketLineOut serviceHeader(OutputStream out, String service) throws IOException {
        PacketLineOut pck = new PacketLineOut(out);
        pck.writeString("# service=" + service + "\n");
        pck.end();
        return pck;
    }

    private static String oneLine(String s) {
        return String.valueOf(s).replaceAll("[\\r\\n]+", " ");
    }

    @Override
    public void close() {
        repo.close();
        mirror.close();
        upstream.close();
    }
}
