package dev.botbottle.egress.internal;

import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.Secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The per-bottle proxy secret: every request at the gateway's front door must carry it in
 * {@code Proxy-Authorization: Basic} (the bottle gets it inside its proxy URL), so nothing else that reaches the
 * gateway's address borrows the bottle's credentials. Kept in the state directory (0600) so a resumed bottle's
 * proxy URL stays valid.
 */
public final class ProxySecret {

    /** File name of the secret in the state directory. */
    public static final String FILE = "egress-proxy.secret";
    /** The user name in the proxy URL (any name is accepted; the password is what counts). */
    public static final String USER = "bottle";

    private final String value;

    private ProxySecret(String value) {
        this.value = value;
    }

    /**
     * @param stateDir the bottle's state directory
     * @return the secret stored there, made on first use
     */
    public static ProxySecret loadOrCreate(Path stateDir) {
        Path file = stateDir.resolve(FILE);
        try {
            Files.createDirectories(stateDir);
            if (Files.exists(file)) {
                String v = Files.readString(file, StandardCharsets.US_ASCII).strip();
                if (v.length() >= 32) {
                    return new ProxySecret(v);
                }
            }
            byte[] raw = new byte[32];
            new SecureRandom().nextBytes(raw);
            String v = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            Path tmp = file.resolveSibling(FILE + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, v, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new ProxySecret(v);
        } catch (IOException e) {
            throw new BottleException("could not read or create the egress proxy secret " + file + ": "
                    + e.getMessage() + "; check the state directory's permissions", e);
        }
    }

    /** @return the secret, for the DLP scanner (it must never leave the bottle either) */
    public Secret secret() {
        return Secret.of(value);
    }

    /** @return the user-info part of the bottle's proxy URL, {@code bottle:<secret>} */
    public String userInfo() {
        return USER + ":" + value;
    }

    /** @return the {@code Proxy-Authorization} header value a client sends */
    public String header() {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param header a {@code Proxy-Authorization} value, or null
     * @return whether it carries this secret (Basic, any user name), compared in constant time
     */
    public boolean accepts(String header) {
        if (header == null) {
            return false;
        }
        String h = header.strip();
        if (h.length() < 6 || !h.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(h.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        String password = colon < 0 ? "" : decoded.substring(colon + 1);
        return MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "ProxySecret[***]";
    }
}
