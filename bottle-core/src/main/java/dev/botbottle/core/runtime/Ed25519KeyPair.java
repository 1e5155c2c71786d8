package dev.botbottle.core.runtime;

import dev.botbottle.spi.BottleException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.util.Arrays;
import java.util.Base64;

/**
 * An ed25519 key pair made with the JDK alone (no {@code ssh-keygen}), in OpenSSH's formats: the public key line
 * of {@code authorized_keys} and the {@code openssh-key-v1} private key file ({@code ssh-keygen}, OpenSSH and
 * Apache MINA SSHD read it).
 *
 * @param publicLine {@code ssh-ed25519 AAAA... comment}
 * @param privateKeyFile the unencrypted private key file, PEM armoured
 * @param fingerprint {@code SHA256:...}, as {@code ssh-keygen -l} and forges show it
 */
record Ed25519KeyPair(String publicLine, String privateKeyFile, String fingerprint) {

    private static final String TYPE = "ssh-ed25519";

    @Override
    public String toString() {
        return "Ed25519KeyPair[" + fingerprint + "]";
    }

    /**
     * @param comment the key's comment (the bottle's slug)
     * @return a fresh key pair
     */
    static Ed25519KeyPair generate(String comment) {
        KeyPair kp;
        try {
            kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new BottleException("this JDK cannot generate ed25519 keys: " + e.getMessage(), e);
        }
        byte[] spki = kp.getPublic().getEncoded();
        byte[] pub = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        byte[] seed = ((EdECPrivateKey) kp.getPrivate()).getBytes()
                .orElseThrow(() -> new BottleException("the JDK's ed25519 private key has no encoding"));
        byte[] blob = concat(string(TYPE.getBytes(StandardCharsets.US_ASCII)), string(pub));
        String publicLine = TYPE + " " + Base64.getEncoder().encodeToString(blob) + " " + comment;

        ByteArrayOutputStream priv = new ByteArrayOutputStream();
        int check = new SecureRandom().nextInt();
        write(priv, uint32(check));
        write(priv, uint32(check));
        write(priv, string(TYPE.getBytes(StandardCharsets.US_ASCII)));
        write(priv, string(pub));
        write(priv, string(concat(seed, pub)));
        write(priv, string(comment.getBytes(StandardCharsets.UTF_8)));
        for (int pad = 1; priv.size() % 8 != 0; pad++) {
            priv.write(pad);
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        write(file, "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII));
        write(file, string("none".getBytes(StandardCharsets.US_ASCII)));
        write(file, string("none".getBytes(StandardCharsets.US_ASCII)));
        write(file, string(new byte[0]));
        write(file, uint32(1));
        write(file, string(blob));
        write(file, string(priv.toByteArray()));
        Arrays.fill(seed, (byte) 0);
        String body = Base64.getMimeEncoder(70, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(file.toByteArray());
        String pem = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + body + "\n-----END OPENSSH PRIVATE KEY-----\n";
        return new Ed25519KeyPair(publicLine, pem, fingerprint(blob));
    }

    /** @return {@code SHA256:} and the unpadded base64 of the SHA-256 of the public key blob */
    static String fingerprint(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] string(byte[] data) {
        return concat(uint32(data.length), data);
    }

    private static byte[] uint32(int v) {
        return new byte[]{(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void write(ByteArrayOutputStream out, byte[] data) {
        out.write(data, 0, data.length);
    }
}
