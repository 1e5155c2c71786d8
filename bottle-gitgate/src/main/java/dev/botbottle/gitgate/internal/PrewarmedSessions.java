package dev.botbottle.gitgate.internal;

import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RemoteSession;
import org.eclipse.jgit.transport.SshSessionFactory;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.util.FS;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * SSH sessions to one upstream, where one can be opened ahead: when the bottle's git asks to push (the
 * receive-pack advertisement), the session the forward will need is opened while the bottle builds and sends its
 * pack and the gate scans it. Opening a session sends no object, so nothing leaves before the checks pass. A
 * session opened ahead is used at most once, by the next operation; one that fails to open is ignored (that
 * operation opens its own and reports its failure).
 */
final class PrewarmedSessions extends SshSessionFactory {

    private final SshSessionFactory delegate;
    private final AtomicReference<CompletableFuture<RemoteSession>> next = new AtomicReference<>();

    PrewarmedSessions(SshSessionFactory delegate) {
        this.delegate = delegate;
    }

    /** Opens a session to {@code uri} in the background for the next operation. */
    void prewarm(URIish uri, int timeoutMillis) {
        CompletableFuture<RemoteSession> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(delegate.getSession(uri, null, FS.DETECTED, timeoutMillis));
            } catch (TransportException | RuntimeException e) {
                f.completeExceptionally(e);
            }
        }, "gitgate-ssh-prewarm");
        t.setDaemon(true);
        t.start();
        release(next.getAndSet(f));
    }

    @Override
    public RemoteSession getSession(URIish uri, CredentialsProvider credentials, FS fs, int timeoutMillis)
            throws TransportException {
        CompletableFuture<RemoteSession> ahead = next.getAndSet(null);
        if (ahead != null) {
            try {
                return ahead.get(Math.max(1, timeoutMillis), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                release(ahead);
            } catch (Exception e) {
                release(ahead);
                // fall through: this operation opens its own session and reports why that fails
            }
        }
        return delegate.getSession(uri, credentials, fs, timeoutMillis);
    }

    @Override
    public String getType() {
        return delegate.getType();
    }

    @Override
    public void releaseSession(RemoteSession session) {
        delegate.releaseSession(session);
    }

    /** Closes a session opened ahead and never used. */
    void close() {
        release(next.getAndSet(null));
    }

    private void release(CompletableFuture<RemoteSession> f) {
        if (f != null) {
            f.thenAccept(delegate::releaseSession);
        }
    }
}
