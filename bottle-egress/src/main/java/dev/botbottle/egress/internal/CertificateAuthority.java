package dev.botbottle.egress.internal;

import dev.botbottle.spi.BottleException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;

/**
 * A bottle's own certificate authority (ECDSA P-256): created on first start, kept in the state directory with
 * mode 0600, reused on resume. Mints one leaf certificate per intercepted host, cached (bounded, least recently used out first) in
 * this process; every leaf shares one key pair made at load, which keeps minting at one signature.
 */
public final class CertificateAuthority {

    /** File name of the CA certificate (PEM) in the state directory. */
    public static final String CERT_FILE = "egress-ca.crt";
    /** File name of the CA private key (PKCS#8 PEM) in the state directory. */
    public static final String KEY_FILE = "egress-ca.key";

    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration LEAF_VALIDITY = Duration.ofDays(90);
    private static final Duration BACKDATE = Duration.ofDays(1);

    private final X509Certificate caCert;
    private final PrivateKey caKey;
    private final KeyPair leafKeys;
    private final SecureRandom random = new SecureRandom();
    private final LruCache<String, X509Certificate> leaves;

    private CertificateAuthority(X509Certificate caCert, PrivateKey caKey, int maxLeaves) {
        this.leaves = new LruCache<>(maxLeaves);
        this.caCert = caCert;
        this.caKey = caKey;
        this.leafKeys = newEcKeyPair();
    }

    /**
     * Loads the CA from {@code stateDir}, or creates it there when absent.
     *
     * @param stateDir the bottle's state directory
     * @param slug the bottle, named in the CA's subject
     * @return the CA
     */
    public static CertificateAuthority loadOrCreate(Path stateDir, String slug) {
        return loadOrCreate(stateDir, slug, 1024);
    }

    /**
     * @param stateDir the bottle's state directory
     * @param slug the bottle
     * @param maxLeaves leaf certificates cached (least recently used out first)
     * @return the CA
     */
    public static CertificateAuthority loadOrCreate(Path stateDir, String slug, int maxLeaves) {
        Path cert = stateDir.resolve(CERT_FILE);
        Path key = stateDir.resolve(KEY_FILE);
        try {
            Files.createDirectories(stateDir);
            if (Files.exists(cert) && Files.exists(key)) {
                return load(cert, key, maxLeaves);
            }
            KeyPair pair = newEcKeyPair();
            X509Certificate ca = selfSign(pair, slug);
            writePrivate(key, pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null)));
            writePrivate(cert, pem(ca));
            return new CertificateAuthority(ca, pair.getPrivate(), maxLeaves);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new BottleException("could not load or create the egress CA of bottle " + slug + " in " + stateDir
                    + ": " + e.getMessage() + "; check the directory's permissions, or delete " + CERT_FILE + " and "
                    + KEY_FILE + " there to make a new CA (the bottle must then be provisioned again)", e);
        }
    }

    private static CertificateAuthority load(Path cert, Path key, int maxLeaves) throws IOException, GeneralSecurityException {
        X509Certificate ca;
        try (PEMParser parser = new PEMParser(Files.newBufferedReader(cert, StandardCharsets.US_ASCII))) {
            Object o = parser.readObject();
            if (!(o instanceof X509CertificateHolder holder)) {
                throw new GeneralSecurityException(cert + " holds no certificate");
            }
            ca = new JcaX509CertificateConverter().getCertificate(holder);
        }
        PrivateKey pk;
        try (PEMParser parser = new PEMParser(Files.newBufferedReader(key, StandardCharsets.US_ASCII))) {
            Object o = parser.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PrivateKeyInfo info) {
                pk = conv.getPrivateKey(info);
            } else if (o instanceof PEMKeyPair kp) {
                pk = conv.getKeyPair(kp).getPrivate();
            } else {
                throw new GeneralSecurityException(key + " holds no private key");
            }
        }
        return new CertificateAuthority(ca, pk, maxLeaves);
    }

    private static void writePrivate(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        } catch (FileAlreadyExistsException e) {
            throw e;
        }
        Files.writeString(tmp, content, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static KeyPair newEcKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make ECDSA P-256 keys", e);
        }
    }

    private static X509Certificate selfSign(KeyPair pair, String slug) throws GeneralSecurityException, IOException {
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "bot-bottle")
                .addRDN(BCStyle.CN, "bot-bottle egress CA for " + slug)
                .build();
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(127, new SecureRandom()),
                Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
        return sign(b, pair.getPrivate());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    /** @return the CA certificate */
    public X509Certificate certificate() {
        return caCert;
    }

    /** @return the CA certificate in PEM form */
    public String certificatePem() {
        return pem(caCert);
    }

    /** @return the SHA-256 fingerprint of the CA certificate, hex, colon-separated */
    public String fingerprint() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(caCert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the private key shared by every leaf */
    public PrivateKey leafKey() {
        return leafKeys.getPrivate();
    }

    /**
     * @param host a host name (not an IP literal)
     * @return the leaf certificate for {@code host}, minted on first use and cached
     */
    public X509Certificate leafFor(String host) {
        return leaves.get(host, this::mint);
    }

    /** @return how many leaves were minted (for tests and metrics) */
    public boolean hasMinted(String host) {
        return leaves.contains(host);
    }

    private X509Certificate mint(String host) {
        try {
            Instant now = Instant.now();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, host).build();
            X500Name issuer = X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded());
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, random),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(LEAF_VALIDITY)), subject, leafKeys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, host)));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(leafKeys.getPublic()));
            return sign(b, caKey);
        } catch (GeneralSecurityException | IOException e) {
            throw new BottleException("could not mint a certificate for " + host + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param o a certificate or key
     * @return its PEM form
     */
    public static String pem(Object o) {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }

    /**
     * @param pem one or more PEM certificates
     * @return the first certificate
     */
    static X509Certificate parseCertificate(String pem) throws IOException, GeneralSecurityException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            return new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) parser.readObject());
        }
    }

    @Override
    public String toString() {
        return "CertificateAuthority[" + caCert.getSubjectX500Principal() + "]";
    }
}
