package dev.botbottle.core.provision;

import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.ProvisionStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies {@link ProvisionStep}s inside a bottle through {@link Bottle#exec} and {@link Bottle#copyIn}.
 *
 * <p>Consecutive file writes, certificates and commands go into one shell script run by one exec as root
 * (commands for the agent user through {@code runuser}); only host copies break a batch. Each step announces
 * itself on stderr so a failure is reported against the step that failed, with the bottle's own words.
 * Environment from {@code SetEnv} steps is collected (and written to {@code /etc/profile.d/bot-bottle.sh} for
 * login shells); it is not secret by contract. Installing a CA certificate adds it to the system store without
 * rebuilding it ({@link TrustStore}) and points {@link #CA_ENV} at the system bundle, so Node, Python and OpenSSL
 * clients trust it too; its SHA-256 fingerprint is logged.
 *
 * <p>A bottle without root ({@link Bottle#hasRoot()} false) is provisioned as its agent user instead: certificates go
 * to {@code ~/.bot-bottle/ca/} and into a bundle {@code ~/.bot-bottle/ca-certificates.crt} (the image's system
 * bundle plus them) that {@link #CA_ENV} names, the profile to {@code ~/.bot-bottle/profile.sh} (sourced from
 * {@code ~/.profile}), root-owned files inside the home are the agent's, root commands run as the agent, and a
 * root-owned file anywhere else fails the launch naming the step and the fix.
 *
 * @since 0.1
 */
public final class ProvisionEngine {

    /** Where CA certificates go (Debian layout). */
    public static final String CA_DIR = "/usr/local/share/ca-certificates";
    /** The system bundle {@code update-ca-certificates} writes. */
    public static final String CA_BUNDLE = ProvisionStep.TrustCertificate.SYSTEM_BUNDLE;
    /** Variables pointed at {@link #CA_BUNDLE} whenever a certificate is installed; a later SetEnv may override. */
    public static final List<String> CA_ENV = List.of("NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE");
    /** Login shells source this file for the collected environment. */
    public static final String PROFILE_FILE = "/etc/profile.d/bot-bottle.sh";
    /** In a bottle without root: the agent's own directory for what would go under {@code /etc}, below its home. */
    public static final String ROOTLESS_DIR = ".bot-bottle";
    /** In a bottle without root: the CA bundle {@link #CA_ENV} names, in {@link #ROOTLESS_DIR}. */
    static final String ROOTLESS_BUNDLE = "ca-certificates.crt";

    private static final Logger LOG = LoggerFactory.getLogger(ProvisionEngine.class);
    private static final Pattern MARKER = Pattern.compile("^BB_(STEP|FAILED|OPTIONAL_FAILED) (\\d+)(?: (\\d+))?$",
            Pattern.MULTILINE);
    private static final Duration BATCH_TIMEOUT = Duration.ofMinutes(10);

    private final ProgressListener progress;

    /** @param progress receives one event per batch */
    public ProvisionEngine(ProgressListener progress) {
        this.progress = progress;
    }

    /**
     * Applies steps in order.
     *
     * @param bottle the running bottle
     * @param steps the steps
     * @param baseEnv environment already set for the bottle (commands see it; the login-shell profile keeps it)
     * @return the environment the steps set, and warnings
     * @throws ProvisioningException when a step that is not optional fails
     */
    public ProvisionResult apply(Bottle bottle, List<ProvisionStep> steps, Map<String, String> baseEnv) {
        Map<String, String> env = new LinkedHashMap<>();
        if (steps.stream().anyMatch(ProvisionStep.TrustCertificate.class::isInstance)) {
            // runtimes that ignore the system store (Node) or ship their own (Python requests, some OpenSSL builds)
            for (String name : CA_ENV) {
                env.put(name, bottle.hasRoot() ? CA_BUNDLE : rootless(bottle, ROOTLESS_BUNDLE));
            }
        }
        List<String> warnings = new ArrayList<>();
        Batch batch = new Batch(bottle);
        int execs = 0;
        for (int i = 0; i < steps.size(); i++) {
            ProvisionStep step = steps.get(i);
            if (step instanceof ProvisionStep.CopyPath || step instanceof ProvisionStep.CopyTree) {
                execs += batch.run(warnings, steps);
                copy(bottle, step);
                execs++;
                batch = new Batch(bottle);
            } else if (step instanceof ProvisionStep.SetEnv set) {
                env.put(set.name(), set.value());
            } else {
                Map<String, String> commandEnv = new TreeMap<>(baseEnv);
                commandEnv.putAll(env);
                batch.add(i, step, commandEnv);
            }
        }
        if (!env.isEmpty()) {
            // login shells get everything the bottle's execs get: what was set before, then what these steps set
            Map<String, String> all = new TreeMap<>(baseEnv);
            all.putAll(env);
            StringBuilder profile = new StringBuilder("# written by bot-bottle: the bottle's environment\n");
            all.forEach((k, v) -> profile.append("export ").append(k).append('=').append(quote(v)).append('\n'));
            if (bottle.hasRoot()) {
                batch.add(-1, new ProvisionStep.WriteFile(PROFILE_FILE,
                        profile.toString().getBytes(StandardCharsets.UTF_8), 0644, FileOwner.ROOT), Map.of());
            } else {
                String own = rootless(bottle, "profile.sh");
                batch.add(-1, new ProvisionStep.WriteFile(own, profile.toString().getBytes(StandardCharsets.UTF_8),
                        0644, FileOwner.AGENT), Map.of());
                batch.add(-1, new ProvisionStep.RunCommand(List.of("sh", "-c", "grep -qxF \"$0\" \"$HOME/.profile\" "
                        + "2>/dev/null || echo \"$0\" >> \"$HOME/.profile\"", ". " + quote(own)), FileOwner.AGENT, false,
                        "source " + own + " from ~/.profile"), Map.of());
            }
        }
        execs += batch.run(warnings, steps);
        return new ProvisionResult(env, warnings, execs);
    }

    /** @return {@code name} in the agent's own directory of a bottle without root */
    static String rootless(Bottle bottle, String name) {
        return bottle.agentHome() + "/" + ROOTLESS_DIR + "/" + name;
    }

    /**
     * @param bottle the bottle
     * @param path a path, possibly starting with {@code ~/}
     * @return the absolute path in the bottle
     */
    public static String expand(Bottle bottle, String path) {
        if (path.equals("~")) {
            return bottle.agentHome();
        }
        return path.startsWith("~/") ? bottle.agentHome() + path.substring(1) : path;
    }

    /**
     * @param value any text
     * @return the text as one single-quoted shell word
     */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** @return the certificate of a PEM text */
    static X509Certificate certificate(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException | RuntimeException e) {
            throw new ProvisioningException("a CA certificate to install is not a valid PEM certificate: " + e.getMessage());
        }
    }

    /** @return the SHA-256 fingerprint of a certificate, colon-separated */
    static String fingerprint(X509Certificate cert) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (CertificateException | NoSuchAlgorithmException e) {
            throw new ProvisioningException("a CA certificate to install cannot be encoded: " + e.getMessage());
        }
    }

    /** One shell script, run by one exec. */
    /** A host copy: it cannot join a batch (it is its own engine call). */
    private void copy(Bottle bottle, ProvisionStep step) {
        if (step instanceof ProvisionStep.CopyPath copy) {
            String target = expand(bottle, copy.target());
            progress.onProgress("provision", "copying " + copy.source() + " to " + target);
            bottle.copyIn(copy.source(), target, copy.owner(), copy.mode());
        } else if (step instanceof ProvisionStep.CopyTree tree) {
            String target = expand(bottle, tree.target());
            progress.onProgress("provision", "copying " + tree.source() + " to " + target + " (modes kept)");
            bottle.copyTree(tree.source(), target, tree.owner());
        }
    }

    private final class Batch {
        private final Bottle bottle;
        /** Whether the script runs as root; without root everything runs as the agent user. */
        private final boolean root;
        private final StringBuilder script = new StringBuilder("set -u\numask 022\n");
        private final List<String> descriptions = new ArrayList<>();
        private final List<TrustStore.Installed> certificates = new ArrayList<>();
        private int count;

        Batch(Bottle bottle) {
            this.bottle = bottle;
            this.root = bottle.hasRoot();
        }

        void add(int index, ProvisionStep step, Map<String, String> env) {
            count++;
            script.append("echo 'BB_STEP ").append(index).append("' >&2\n");
            if (step instanceof ProvisionStep.WriteFile w) {
                write(index, expand(bottle, w.path()), w.content(), w.mode(), w.owner());
            } else if (step instanceof ProvisionStep.TrustCertificate c) {
                X509Certificate cert = certificate(c.pem());
                String fp = fingerprint(cert);
                LOG.info("installing CA certificate '{}' in bottle {} (SHA-256 {})", c.name(), bottle.slug(), fp);
                String file = (root ? CA_DIR : rootless(bottle, "ca")) + "/" + c.name() + ".crt";
                write(index, file, c.pem().getBytes(StandardCharsets.US_ASCII), 0644, FileOwner.ROOT);
                certificates.add(new TrustStore.Installed(file, SubjectHash.of(cert)));
            } else if (step instanceof ProvisionStep.RunCommand r) {
                StringBuilder cmd = new StringBuilder();
                if (r.owner() == FileOwner.AGENT) {
                    cmd.append(asAgent());
                }
                boolean inAgentsHome = r.owner() == FileOwner.AGENT || !root;
                cmd.append("env HOME=").append(quote(inAgentsHome ? bottle.agentHome() : "/root"));
                env.forEach((k, v) -> cmd.append(' ').append(quote(k + "=" + v)));
                for (String a : r.argv()) {
                    cmd.append(' ').append(quote(a));
                }
                cmd.append(" </dev/null");
                String dir = inAgentsHome ? bottle.agentHome() : "/";
                if (r.optional()) {
                    script.append("( cd ").append(quote(dir)).append(" && ").append(cmd)
                            .append(" ) >&2 || echo \"BB_OPTIONAL_FAILED ").append(index).append(" $?\" >&2\n");
                } else {
                    script.append("( cd ").append(quote(dir)).append(" && ").append(cmd)
                            .append(" ) >&2 || { rc=$?; echo \"BB_FAILED ").append(index).append(" $rc\" >&2; exit 1; }\n");
                }
                descriptions.add(r.description());
            } else {
                throw new IllegalStateException("unexpected step " + step);
            }
        }

        /**
         * @return the prefix that runs a command as the agent: {@code runuser} from a root script, nothing when the
         *         script is the agent's already (a bottle without root, or an image whose only user is root)
         */
        private String asAgent() {
            return root && !"root".equals(bottle.agentUser()) ? "runuser -u " + quote(bottle.agentUser()) + " -- " : "";
        }

        private void write(int index, String path, byte[] content, int mode, FileOwner owner) {
            if (!root && owner == FileOwner.ROOT && !path.startsWith(bottle.agentHome() + "/")) {
                throw new ProvisioningException("provisioning bottle " + bottle.slug() + ": step " + (index + 1)
                        + " writes " + path + " as root, and this bottle has no root (its backend runs everything as "
                        + bottle.agentUser() + "): put the file into the bottle's image, or leave out what asks for it");
            }
            String dir = path.substring(0, Math.max(1, path.lastIndexOf('/')));
            String asUser = owner == FileOwner.AGENT ? asAgent() : "";
            String delimiter = "BB_EOF_" + index + "_" + Long.toHexString(Double.doubleToLongBits(Math.random()));
            script.append("{ ").append(asUser).append("mkdir -p ").append(quote(dir)).append(" && ")
                    .append(asUser).append("sh -c 'base64 -d > \"$1\"' sh ").append(quote(path)).append(" <<'")
                    .append(delimiter).append("'\n")
                    .append(Base64.getMimeEncoder(76, new byte[] {(byte) 10}).encodeToString(content)).append('\n')
                    .append(delimiter).append("\n")
                    .append("} && chmod ").append(Integer.toOctalString(mode)).append(' ').append(quote(path))
                    .append(" || { echo \"BB_FAILED ").append(index).append(" $?\" >&2; exit 1; }\n");
        }

        int run(List<String> warnings, List<ProvisionStep> steps) {
            if (count == 0) {
                return 0;
            }
            if (!certificates.isEmpty()) {
                script.append(root ? TrustStore.script(certificates)
                        : TrustStore.rootlessScript(certificates, rootless(bottle, ROOTLESS_BUNDLE)));
            }
            progress.onProgress("provision", "applying " + count + " step(s) in one exec"
                    + (descriptions.isEmpty() ? "" : ": " + String.join(", ", descriptions)));
            ExecResult result = bottle.exec(new ExecRequest(List.of("bash", "-s"), Map.of(),
                    java.util.Optional.of("/"), root ? java.util.Optional.of("root") : java.util.Optional.empty(),
                    java.util.Optional.of(script.toString().getBytes(StandardCharsets.UTF_8)), BATCH_TIMEOUT));
            String stderr = result.stderrText();
            Matcher m = MARKER.matcher(stderr);
            while (m.find()) {
                if (m.group(1).equals("OPTIONAL_FAILED")) {
                    int index = Integer.parseInt(m.group(2));
                    String what = describe(steps, index);
                    String warning = what + " failed (exit " + m.group(3) + "); going on without it";
                    LOG.warn("bottle {}: {}", bottle.slug(), warning);
                    warnings.add(warning);
                }
            }
            if (!result.succeeded()) {
                int failed = lastMarker(stderr, "FAILED");
                throw new ProvisioningException("provisioning bottle " + bottle.slug() + " failed at "
                        + describe(steps, failed) + " (exit " + result.exitCode() + "): " + tail(clean(stderr))
                        + (root ? "" : " (this bottle has no root: every step ran as " + bottle.agentUser()
                        + "; what needs root belongs in the bottle's image)"));
            }
            return 1;
        }
    }

    private static int lastMarker(String stderr, String kind) {
        Matcher m = MARKER.matcher(stderr);
        int found = Integer.MIN_VALUE;
        int lastStep = Integer.MIN_VALUE;
        while (m.find()) {
            if (m.group(1).equals(kind)) {
                found = Integer.parseInt(m.group(2));
            } else if (m.group(1).equals("STEP")) {
                lastStep = Integer.parseInt(m.group(2));
            }
        }
        return found != Integer.MIN_VALUE ? found : lastStep;
    }

    private static String describe(List<ProvisionStep> steps, int index) {
        if (index == TrustStore.STEP) {
            return "adding the CA certificates to the trust store";
        }
        if (index == -1) {
            return "writing the login shells' profile";
        }
        if (index < 0 || index >= steps.size()) {
            return "an unknown step";
        }
        ProvisionStep step = steps.get(index);
        if (step instanceof ProvisionStep.RunCommand r) {
            return "step " + (index + 1) + " (" + r.description() + ")";
        }
        if (step instanceof ProvisionStep.WriteFile w) {
            return "step " + (index + 1) + " (write " + w.path() + ")";
        }
        if (step instanceof ProvisionStep.TrustCertificate c) {
            return "step " + (index + 1) + " (trust CA " + c.name() + ")";
        }
        return "step " + (index + 1);
    }

    private static String clean(String stderr) {
        return MARKER.matcher(stderr).replaceAll("").strip();
    }

    private static String tail(String text) {
        if (text.isEmpty()) {
            return "(no output)";
        }
        return text.length() <= 2000 ? text : "..." + text.substring(text.length() - 2000);
    }
}
