package dev.botbottle.gitgate.internal;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;

import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The upstream's host key as the manifest pins it: the only key accepted (no known_hosts, no trust on first use).
 * A mismatch is remembered with both fingerprints so the failure can say what was expected and what was shown.
 */
public final class PinnedHostKey implements ServerKeyDatabase {

    private final String type;
    private final byte[] blob;
    private final String fingerprint;
    private final AtomicReference<String> lastMismatch = new AtomicReference<>();

    /** @param hostKey a public key as in known_hosts ({@code ssh-ed25519 AAAA... [comment]}) */
    public PinnedHostKey(String hostKey) {
        String[] parts = hostKey.strip().split("\\s+");
        if (parts.length < 2) {
            throw new GateException("host_key is not a public key as in known_hosts (type and base64 blob)");
        }
        this.type = parts[0];
        try {
            this.blob = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new GateException("host_key is not a public key as in known_hosts: its key data is not base64", e);
        }
        this.fingerprint = fingerprint(blob);
    }

    /** @return the key type, e.g. {@code ssh-ed25519} */
    public String type() {
        return type;
    }

    /** @return {@code SHA256:...} of the pinned key */
    public String fingerprint() {
        return fingerprint;
    }

    /** @return the host key algorithms to offer, so the server shows the pinned kind of key */
    public String algorithms() {
        return type.equals("ssh-rsa") ? "rsa-sha2-512,rsa-sha2-256,ssh-rsa" : type;
    }

    /** @return and clears the description of the last mismatch, or {@code null} */
    public String takeMismatch() {
        return lastMismatch.getAndSet(null);
    }

    @Override
    public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
        try {
            PublicKey key = PublicKeyEntry.parsePublicKeyEntry(type + " " + Base64.getEncoder().encodeToString(blob))
                    .resolvePublicKey(null, null, null);
            return key == null ? List.of() : List.of(key);
        } catch (Exception e) {
            return List.of();
        }
    }

    @Override
    public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey,
                          Configuration config, CredentialsProvider provider) {
        String shown = KeyUtils.getFingerPrint(serverKey);
        if (fingerprint.equals(shown)) {
            return true;
        }
        lastMismatch.set("the upstream " + connectAddress + " showed host key " + shown + " ("
                + KeyUtils.getKeyType(serverKey) + ") but the manifest pins " + fingerprint + " (" + type
                + "); refusing to connect. If the server's key really changed, update host_key in the bottle's"
                + " manifest (ssh-keyscan -t " + type.replaceFirst("^ssh-", "") + " <host>)");
        return false;
    }

    static String fingerprint(byte[] blob) {
        try {
            return "SHA256:" + Base64.getEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(blob));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "PinnedHostKey[" + type + " " + fingerprint + "]";
    }
}
