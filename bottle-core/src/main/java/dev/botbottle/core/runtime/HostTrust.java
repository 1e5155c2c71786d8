package dev.botbottle.core.runtime;

import dev.botbottle.spi.ProvisionStep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the CA certificates this host trusts beyond a stock Debian system: a corporate or sandbox proxy's CA,
 * certificates an administrator added. Bottles and image builds need them to download through such a proxy.
 *
 * <p>The extra certificates are those in the system bundle ({@code /etc/ssl/certs/ca-certificates.crt}) that are
 * not among Debian's stock certificates ({@code /usr/share/ca-certificates/mozilla/*.crt}), plus every
 * {@code *.crt} below {@code /usr/local/share/ca-certificates}. Certificates are compared by their DER bytes, so
 * formatting differences do not matter; each is returned once. On a host without the stock directory (not
 * Debian-based), only the local directory counts: the bundle cannot be told apart from the stock set there.
 *
 * <p>The runtime hands {@link #files()} to backends ({@link dev.botbottle.spi.BackendContext#hostCaCertificates()}:
 * every build context gets a {@code host-ca/} directory holding them), provisions them into a bottle launched with
 * host CA trust, and has the egress gateway trust the {@link #SYSTEM_BUNDLE} upstream. Reads files only; never throws for a
 * missing file or an unreadable certificate block, which are skipped.
 *
 * @since 0.1
 */
public final class HostTrust {

    /** The system CA bundle of Debian-based hosts. */
    public static final Path SYSTEM_BUNDLE = Path.of(ProvisionStep.TrustCertificate.SYSTEM_BUNDLE);
    /** Debian's stock certificates (package {@code ca-certificates}). */
    public static final Path STOCK_DIRECTORY = Path.of("/usr/share/ca-certificates/mozilla");
    /** Where administrators add certificates ({@code update-ca-certificates} picks them up). */
    public static final Path LOCAL_DIRECTORY = Path.of("/usr/local/share/ca-certificates");

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN CERTIFICATE-----\\s*([A-Za-z0-9+/=\\s]+?)-----END CERTIFICATE-----");

    private final Path bundle;
    private final Path stockDirectory;
    private final Path localDirectory;

    private HostTrust(Path bundle, Path stockDirectory, Path localDirectory) {
        this.bundle = bundle;
        this.stockDirectory = stockDirectory;
        this.localDirectory = localDirectory;
    }

    /** @return the host's trust, read from the standard Debian locations */
    public static HostTrust system() {
        return new HostTrust(SYSTEM_BUNDLE, STOCK_DIRECTORY, LOCAL_DIRECTORY);
    }

    /**
     * @param bundle the system bundle (concatenated PEM)
     * @param stockDirectory the directory of stock {@code *.crt} files
     * @param localDirectory the directory of locally added {@code *.crt} files (searched recursively)
     * @return the trust read from these locations (for tests and non-standard hosts)
     */
    public static HostTrust of(Path bundle, Path stockDirectory, Path localDirectory) {
        return new HostTrust(bundle, stockDirectory, localDirectory);
    }

    /**
     * Returns the extra certificates, each as one PEM block ending in a newline, in the order found (bundle
     * first, then the local directory sorted by path).
     *
     * @return the extra certificates; empty when the host trusts nothing beyond the stock set
     */
    public List<String> extraCertificates() {
        Set<String> stock = new HashSet<>();
        boolean stockKnown = Files.isDirectory(stockDirectory);
        if (stockKnown) {
            for (Path file : crtFiles(stockDirectory, false)) {
                for (byte[] der : derBlocks(read(file))) {
                    stock.add(fingerprint(der));
                }
            }
        }
        Map<String, byte[]> extra = new LinkedHashMap<>();
        if (stockKnown) {
            for (byte[] der : derBlocks(read(bundle))) {
                extra.putIfAbsent(fingerprint(der), der);
            }
        }
        for (Path file : crtFiles(localDirectory, true)) {
            for (byte[] der : derBlocks(read(file))) {
                extra.putIfAbsent(fingerprint(der), der);
            }
        }
        List<String> pems = new ArrayList<>();
        extra.forEach((fingerprint, der) -> {
            if (!stock.contains(fingerprint)) {
                pems.add(toPem(der));
            }
        });
        return List.copyOf(pems);
    }

    /**
     * Returns the extra certificates as files ready to drop into {@code /usr/local/share/ca-certificates}: names
     * are {@code host-ca-<first 16 hex digits of the SHA-256 of the DER>.crt}, stable across runs.
     *
     * @return file name to PEM text, in the order of {@link #extraCertificates()}
     */
    public Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        for (String pem : extraCertificates()) {
            byte[] der = derBlocks(pem).get(0);
            files.put("host-ca-" + fingerprint(der).substring(0, 16) + ".crt", pem);
        }
        return files;
    }

    private static List<byte[]> derBlocks(String text) {
        List<byte[]> blocks = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            try {
                blocks.add(Base64.getMimeDecoder().decode(m.group(1).replaceAll("\\s", "")));
            } catch (IllegalArgumentException badBase64) {
                // not a certificate we can use; the others still count
            }
        }
        return blocks;
    }

    private static String toPem(byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
    }

    private static String fingerprint(byte[] der) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.isReadable(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static List<Path> crtFiles(Path directory, boolean recursive) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = recursive ? Files.walk(directory) : Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".crt"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }
}
