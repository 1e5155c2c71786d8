package dev.botbottle.gitgate.internal;

import dev.botbottle.spi.GitRemote;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * One remote's upstream, reached over SSH with JGit's Apache MINA SSHD transport: the remote's key only (no agent,
 * no ~/.ssh), the pinned host key only. Thread-safe; each operation opens its own connection.
 */
public final class Upstream implements AutoCloseable {

    private final GitRemote remote;
    private final URIish uri;
    private final PinnedHostKey hostKey;
    private final SshdSessionFactory ssh;
    private final PrewarmedSessions sessions;
    private final int timeoutSeconds;

    /**
     * @param remote the remote (its identity is the key file to use)
     * @param sshDir a private directory for this remote's SSH client configuration
     * @param timeoutSeconds connect and read time-out
     */
    public Upstream(GitRemote remote, Path sshDir, int timeoutSeconds) {
        this.remote = remote;
        this.timeoutSeconds = timeoutSeconds;
        try {
            this.uri = new URIish(remote.url());
        } catch (URISyntaxException e) {
            throw new GateException("remote " + remote.name() + ": the url is not a git URL", e);
        }
        Path key = remote.identity().orElseThrow(() -> new GateException("remote " + remote.name()
                + " has no key file (a provisioned key must be generated before the gate starts)"));
        if (!Files.isReadable(key)) {
            throw new GateException("remote " + remote.name() + ": the key file " + key + " is missing or not readable");
        }
        this.hostKey = new PinnedHostKey(remote.hostKey());
        try {
            Files.createDirectories(sshDir);
            // the only configuration the client reads: no agent, this key only, the pinned kind of host key
            Files.writeString(sshDir.resolve("config"), "Host *\n"
                    + "  IdentityFile \"" + key.toAbsolutePath() + "\"\n"
                    + "  IdentitiesOnly yes\n"
                    + "  IdentityAgent none\n"
                    + "  BatchMode yes\n"
                    + "  StrictHostKeyChecking yes\n"
                    + "  HostKeyAlgorithms " + hostKey.algorithms() + "\n"
                    + "  ConnectTimeout " + timeoutSeconds + "\n");
        } catch (IOException e) {
            throw new GateException("cannot write the SSH client configuration in " + sshDir + ": " + e.getMessage(), e);
        }
        this.ssh = new SshdSessionFactoryBuilder()
                .setHomeDirectory(sshDir.toFile())
                .setSshDirectory(sshDir.toFile())
                .setConfigFile(dir -> sshDir.resolve("config").toFile())
                .setDefaultKnownHostsFiles(dir -> List.of())
                .setDefaultIdentities(dir -> List.of(key))
                .setServerKeyDatabase((home, dir) -> hostKey)
                .setConnectorFactory(null)
                .setPreferredAuthentications("publickey")
                .build(null);
        this.sessions = new PrewarmedSessions(ssh);
    }

    /** @return {@code host:port} of the upstream, for messages */
    public String address() {
        return remote.upstreamHost() + ":" + remote.upstreamPort();
    }

    /** Opens the SSH session of the next operation (a push about to come) in the background. */
    public void prewarm() {
        sessions.prewarm(uri, timeoutSeconds * 1000);
    }

    /** Fetches {@code specs} into {@code into}, pruning refs upstream deleted. */
    public FetchResult fetch(Repository into, Collection<RefSpec> specs) {
        try (Transport t = open(into)) {
            t.setRemoveDeletedRefs(true);
            t.setTagOpt(TagOpt.NO_TAGS);
            return t.fetch(NullProgressMonitor.INSTANCE, specs);
        } catch (org.eclipse.jgit.errors.NotSupportedException e) {
            throw new GateException("remote " + remote.name() + ": only SSH upstreams are supported", e);
        } catch (TransportException e) {
            throw failure("fetch from", e);
        }
    }

    /** Pushes the updates from {@code from}; the per-ref statuses say what upstream accepted. */
    public PushResult push(Repository from, Collection<RemoteRefUpdate> updates) {
        try (Transport t = open(from)) {
            // the bottle's git already chose the deltas of what it sent: reuse them, search no new ones
            org.eclipse.jgit.storage.pack.PackConfig pc = new org.eclipse.jgit.storage.pack.PackConfig(from);
            pc.setDeltaCompress(false);
            pc.setReuseDeltas(true);
            pc.setReuseObjects(true);
            t.setPackConfig(pc);
            return t.push(NullProgressMonitor.INSTANCE, updates);
        } catch (org.eclipse.jgit.errors.NotSupportedException e) {
            throw new GateException("remote " + remote.name() + ": only SSH upstreams are supported", e);
        } catch (TransportException e) {
            throw failure("push to", e);
        }
    }

    private Transport open(Repository repo) throws TransportException {
        try {
            Transport t = Transport.open(repo, uri);
            if (!(t instanceof SshTransport ssh)) {
                t.close();
                throw new GateException("remote " + remote.name() + ": only SSH upstreams are supported");
            }
            ssh.setSshSessionFactory(sessions);
            t.setTimeout(timeoutSeconds);
            return t;
        } catch (org.eclipse.jgit.errors.NotSupportedException e) {
            throw new GateException("remote " + remote.name() + ": only SSH upstreams are supported", e);
        }
    }

    private GateException failure(String what, TransportException e) {
        String mismatch = hostKey.takeMismatch();
        if (mismatch != null) {
            return new GateException("git gate: cannot " + what + " upstream " + address() + ": " + mismatch, e);
        }
        // JGit's message starts with the URI; it carries no credential (keys are files), but keep it short
        String reason = String.valueOf(e.getMessage()).replace(remote.url(), address()).replace(uri.toString(), address());
        return new GateException("git gate: cannot " + what + " upstream " + address() + " (remote " + remote.name()
                + "): " + reason, e);
    }

    @Override
    public void close() {
        sessions.close();
        ssh.close();
    }
}
