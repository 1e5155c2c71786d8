package dev.botbottle.backend.kubernetes.internal;

import dev.botbottle.spi.BackendException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Names and labels of the objects made for a bottle. Everything is derived from the slug, so a later process
 * (resume, attach, teardown, cleanup after a crash, another host) finds the same objects without local state. The
 * label keys are the Docker backend's ({@code dev.botbottle.slug}, {@code dev.botbottle.managed}): valid
 * Kubernetes label keys without a prefix.
 */
public final class Names {

    /** Label holding the bottle's slug, on every object. */
    public static final String SLUG_LABEL = "dev.botbottle.slug";
    /** Label marking objects bot-bottle made and may remove. */
    public static final String MANAGED_LABEL = "dev.botbottle.managed";
    /** Label holding the agent's name. */
    public static final String AGENT_LABEL = "dev.botbottle.agent";
    /** Label naming the kind of workload ({@code pod} or {@code sandbox}) a bottle was created as. */
    public static final String WORKLOAD_LABEL = "dev.botbottle.workload";
    /** The selector of everything bot-bottle made. */
    public static final String MANAGED_SELECTOR = MANAGED_LABEL + "=true";

    /** The agent's container in the bottle's Pod. */
    public static final String AGENT_CONTAINER = "agent";
    /** The gateway's sidecar container in the bottle's Pod. */
    public static final String GATEWAY_CONTAINER = "gateway";
    /** The init container that limits the agent's uid to the Pod's loopback (option {@code kubernetes.agent-firewall}). */
    public static final String FIREWALL_CONTAINER = "agent-firewall";
    /** The init container that seeds the bottle's state volume from the image's home directory. */
    public static final String SEED_CONTAINER = "seed-home";

    /** Kubernetes object names are DNS labels (63 characters); the longest suffix used is {@code -gateway}. */
    static final int MAX_SLUG = 63 - "bb-".length() - "-gateway".length();

    private static final Pattern LABEL_VALUE = Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");
    private static final Pattern LABEL_NAME = Pattern.compile("^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]"
            + "([-A-Za-z0-9_.]*[A-Za-z0-9])?$");

    private Names() {
    }

    /**
     * @param text what to name
     * @param length how many hex digits
     * @return the first digits of the text's SHA-256, for a name that changes when the text does
     */
    static String hash(String text, int length) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest).substring(0, length);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** @param slug the bottle @return the Pod's (or Sandbox's, or SandboxClaim's) name */
    public static String workload(String slug) {
        return "bb-" + slug;
    }

    /** @param slug the bottle @return the NetworkPolicy's name */
    public static String networkPolicy(String slug) {
        return "bb-" + slug;
    }

    /** @param slug the bottle @return the Secret holding the gateway's configuration */
    public static String gatewaySecret(String slug) {
        return "bb-" + slug + "-gateway";
    }

    /** @param slug the bottle @return the PersistentVolumeClaim keeping the agent's home across stop and resume */
    public static String stateClaim(String slug) {
        return "bb-" + slug + "-home";
    }

    /** @param slug the bottle @return the ConfigMap holding the bottle's state records */
    public static String stateMap(String slug) {
        return "bb-" + slug + "-state";
    }

    /** @param slug the bottle @return the label selector of its objects */
    public static String selector(String slug) {
        return SLUG_LABEL + "=" + slug + "," + MANAGED_SELECTOR;
    }

    /**
     * @param slug the bottle
     * @throws BackendException when it is too long for the names derived from it
     */
    static void checkSlug(String slug) {
        if (slug.length() > MAX_SLUG) {
            throw new BackendException("bottle name '" + slug + "' is " + slug.length() + " characters long; the "
                    + "kubernetes backend names objects after it and Kubernetes allows " + MAX_SLUG + " here: choose a "
                    + "shorter name");
        }
    }

    /**
     * The labels of every object of a bottle: the spec's own (but those of {@link #runtimeAnnotations}), then
     * bot-bottle's (which win).
     *
     * @param slug the bottle
     * @param agent the agent's name
     * @param extra the spec's labels
     * @param workload {@code pod} or {@code sandbox}
     * @return the labels
     * @throws BackendException when an extra label is no valid Kubernetes label
     */
    /**
     * The runtime's own labels ({@code dev.botbottle.*}) whose values no label can hold (its home, a path of one host;
     * its session, {@code pid@start}): the Pod carries them as annotations instead, so a launch is not refused for
     * them. A manifest's own labels are checked as labels.
     *
     * @param extra the spec's labels
     * @return those of them that become annotations
     */
    static Map<String, String> runtimeAnnotations(Map<String, String> extra) {
        Map<String, String> annotations = new java.util.TreeMap<>();
        extra.forEach((k, v) -> {
            if (runtimeAnnotation(k, v)) {
                annotations.put(k, v);
            }
        });
        return annotations;
    }

    private static boolean runtimeAnnotation(String key, String value) {
        return key.startsWith("dev.botbottle.") && (!LABEL_VALUE.matcher(value).matches() || value.length() > 63);
    }

    static Map<String, String> labels(String slug, String agent, Map<String, String> extra, String workload) {
        Map<String, String> labels = new LinkedHashMap<>();
        new java.util.TreeMap<>(extra).forEach((k, v) -> {
            if (runtimeAnnotation(k, v)) {
                return; // carried as an annotation of the Pod (runtimeAnnotations)
            }
            if (!LABEL_NAME.matcher(k).matches() || k.length() > 316 || !LABEL_VALUE.matcher(v).matches()
                    || v.length() > 63) {
                throw new BackendException("label '" + k + "=" + v + "' of bottle " + slug + " is no valid Kubernetes "
                        + "label (a key of letters, digits, '-', '_', '.', an optional DNS prefix and '/', and a value "
                        + "of at most 63 such characters): change it in the manifest's labels");
            }
            labels.put(k, v);
        });
        labels.put(SLUG_LABEL, slug);
        labels.put(MANAGED_LABEL, "true");
        labels.put(AGENT_LABEL, LABEL_VALUE.matcher(agent).matches() && agent.length() <= 63 ? agent : "other");
        labels.put(WORKLOAD_LABEL, workload);
        return labels;
    }
}
