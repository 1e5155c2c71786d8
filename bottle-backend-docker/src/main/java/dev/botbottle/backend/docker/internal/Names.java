package dev.botbottle.backend.docker.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names and labels of the objects made for a bottle. Everything is derived from the slug, so a later process
 * (resume, attach, teardown, cleanup after a crash) finds the same objects without stored state.
 */
public final class Names {

    /** Label holding the bottle's slug, on every object. */
    public static final String SLUG_LABEL = "dev.botbottle.slug";
    /** Label marking objects bot-bottle made and may remove. */
    public static final String MANAGED_LABEL = "dev.botbottle.managed";
    /** Label holding the agent's name. */
    public static final String AGENT_LABEL = "dev.botbottle.agent";
    /** Container label recording the isolation chosen at create ({@code firewall} or {@code weak}). */
    public static final String ISOLATION_LABEL = "dev.botbottle.isolation";
    /**
     * Label marking the containers that carry a bottle's gateway rather than the bottle itself
     * ({@value #ROLE_GATEWAY} for the one holding the gateway's network, {@value #ROLE_GATEWAY_PROGRAM} for the
     * program) and the gateway images ({@value #ROLE_GATEWAY_IMAGE}): listings of bottles leave them out.
     */
    public static final String ROLE_LABEL = "dev.botbottle.role";
    /** {@link #ROLE_LABEL} of the container holding a bottle's gateway network namespace. */
    public static final String ROLE_GATEWAY = "gateway";
    /** {@link #ROLE_LABEL} of the container running a bottle's gateway program. */
    public static final String ROLE_GATEWAY_PROGRAM = "gateway-program";
    /** {@link #ROLE_LABEL} of a gateway image. */
    public static final String ROLE_GATEWAY_IMAGE = "gateway-image";
    /** Image label naming the agent user; when absent the passwd entry with uid 1000 is used. */
    public static final String USER_LABEL = dev.botbottle.spi.support.AgentUser.LABEL;

    private Names() {
    }

    /** @param slug the bottle @return the container's name */
    public static String container(String slug) {
        return "bb-" + slug;
    }

    /**
     * @param slug the bottle
     * @return the container that holds the bottle's gateway address on its network ({@code docker.gateway=container});
     *         a dot cannot occur in a slug, so no bottle's container has this name
     */
    public static String gatewayHolder(String slug) {
        return "bb-" + slug + ".gateway";
    }

    /** @param slug the bottle @return the container its gateway program runs in, inside the holder's network */
    public static String gatewayProgram(String slug) {
        return "bb-" + slug + ".gateway-program";
    }

    /** @param slug the bottle @return the internal network's name */
    public static String network(String slug) {
        return "bb-" + slug;
    }

    /**
     * The bridge interface's name: Linux allows 15 characters, slugs are longer, so it is derived from a hash.
     *
     * @param slug the bottle
     * @return {@code bb-} and 10 hex digits (13 characters)
     */
    public static String bridgeInterface(String slug) {
        return "bb-" + hash(slug);
    }

    /**
     * @param slug the bottle
     * @return the host firewall chain for the bottle: {@code BB-} and 10 hex digits (iptables allows 28)
     */
    public static String chain(String slug) {
        return "BB-" + hash(slug);
    }

    static String hash(String slug) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(slug.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
