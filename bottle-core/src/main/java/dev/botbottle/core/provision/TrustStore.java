package dev.botbottle.core.provision;

import java.util.List;

/**
 * Adds CA certificates to a Debian trust store without rebuilding it.
 *
 * <p>{@code update-ca-certificates} re-reads every certificate and rewrites the whole bundle (about 0.8 s in a
 * minbase image, most of a warm launch's provisioning). A bottle's own certificates only need what that command
 * would do for them: the {@code .crt} under {@value ProvisionEngine#CA_DIR} (written before this runs, so a later
 * {@code update-ca-certificates} keeps them), the {@code <name>.pem} link and the OpenSSL subject-hash link in
 * {@code /etc/ssl/certs} (the hash computed on the host, {@link SubjectHash}), and the certificate appended to
 * {@value ProvisionEngine#CA_BUNDLE} (once: a resume adds nothing twice). When the image has update hooks (e.g.
 * {@code ca-certificates-java} keeping a Java key store) or no bundle yet, the full {@code update-ca-certificates}
 * runs instead, so every store an image keeps stays in step.
 */
final class TrustStore {

    /** Marker index of the trust-store step in a batch's progress lines. */
    static final int STEP = -2;

    private TrustStore() {
    }

    /**
     * A certificate written to the bottle.
     *
     * @param file its {@code .crt} path
     * @param subjectHash its OpenSSL subject hash
     */
    record Installed(String file, String subjectHash) {
    }

    /**
     * @param certificates the installed certificates, in order
     * @return the shell that adds them, failing the batch with a {@code BB_FAILED -2} marker
     */
    static String script(List<Installed> certificates) {
        StringBuilder list = new StringBuilder();
        certificates.forEach(c -> list.append(' ').append(ProvisionEngine.quote(c.subjectHash() + ":" + c.file())));
        String fail = "{ echo 'BB_FAILED " + STEP + " 1' >&2; exit 1; }";
        return String.join("\n",
                "echo 'BB_STEP " + STEP + "' >&2",
                "bb_bundle=" + ProvisionEngine.CA_BUNDLE,
                "if [ -s \"$bb_bundle\" ] && [ ! -L \"$bb_bundle\" ] \\",
                "    && [ -z \"$(ls -A /etc/ca-certificates/update.d 2>/dev/null)\" ]; then",
                "  for bb_entry in" + list + "; do",
                "    bb_hash=${bb_entry%%:*}; bb_crt=${bb_entry#*:}",
                "    bb_name=${bb_crt##*/}; bb_name=${bb_name%.crt}; bb_i=0",
                "    ln -sf \"$bb_crt\" \"/etc/ssl/certs/$bb_name.pem\" \\",
                "      && while [ -e \"/etc/ssl/certs/$bb_hash.$bb_i\" ] \\",
                "           && [ \"$(readlink \"/etc/ssl/certs/$bb_hash.$bb_i\")\" != \"$bb_name.pem\" ]; do",
                "           bb_i=$((bb_i + 1)); done \\",
                "      && ln -sf \"$bb_name.pem\" \"/etc/ssl/certs/$bb_hash.$bb_i\" \\",
                "      && { grep -qxF \"$(sed -n 2p \"$bb_crt\")\" \"$bb_bundle\" \\",
                "           || { { [ -z \"$(tail -c 1 \"$bb_bundle\")\" ] || echo >> \"$bb_bundle\"; } \\",
                "                && cat \"$bb_crt\" >> \"$bb_bundle\"; }; } \\",
                "      || " + fail,
                "  done",
                "else",
                "  update-ca-certificates >/dev/null 2>&1 || " + fail,
                "fi",
                "");
    }

    /**
     * A bottle without root cannot change the system store: its certificates and the image's system bundle are
     * written, together, to a bundle of the agent's own, made again whole on every provisioning (so a resume adds
     * nothing twice).
     *
     * @param certificates the installed certificates, in order
     * @param bundle the agent's bundle
     * @return the shell that writes it, failing the batch with a {@code BB_FAILED -2} marker
     */
    static String rootlessScript(List<Installed> certificates, String bundle) {
        StringBuilder list = new StringBuilder();
        certificates.forEach(c -> list.append(' ').append(ProvisionEngine.quote(c.file())));
        String fail = "{ echo 'BB_FAILED " + STEP + " 1' >&2; exit 1; }";
        String target = ProvisionEngine.quote(bundle);
        return String.join("\n",
                "echo 'BB_STEP " + STEP + "' >&2",
                "{ { if [ -s " + ProvisionEngine.CA_BUNDLE + " ]; then cat " + ProvisionEngine.CA_BUNDLE + "; echo; fi; "
                        + "for bb_crt in" + list + "; do cat \"$bb_crt\"; echo; done; } > " + target + ".tmp \\",
                "  && mv " + target + ".tmp " + target + "; } || " + fail,
                "");
    }
}
