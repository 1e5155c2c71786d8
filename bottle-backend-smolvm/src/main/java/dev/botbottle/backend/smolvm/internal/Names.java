package dev.botbottle.backend.smolvm.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Names and labels of what the backend makes for a bottle, all derived from the slug so another process finds
 * them without stored state.
 */
public final class Names {

    /** Label marking machines bot-bottle made and may remove. */
    public static final String MANAGED_LABEL = "dev.botbottle.managed";
    /** Label holding the bottle's slug. */
    public static final String SLUG_LABEL = "dev.botbottle.slug";
    /** Label holding the agent's name. */
    public static final String AGENT_LABEL = "dev.botbottle.agent";
    /** Label naming the agent user (copied from the image label of the same name). */
    public static final String USER_LABEL = dev.botbottle.spi.support.AgentUser.LABEL;
    /** Label recording the isolation chosen at create: {@code address} or {@code weak}. */
    public static final String ISOLATION_LABEL = "dev.botbottle.isolation";
    /** Label holding the host address the machine may reach. */
    public static final String ADDRESS_LABEL = "dev.botbottle.address";
    /** Prefix of the alias of every host address device the backend makes; the slug follows. */
    public static final String DEVICE_ALIAS_PREFIX = "bot-bottle smolvm ";

    /** smolvm's machine names: at most 128 of [A-Za-z0-9_-], alphanumeric first, no "--", no trailing "-". */
    private static final Pattern MACHINE_NAME = Pattern.compile("^[A-Za-z0-9](?:[A-Za-z0-9_]|-(?!-))*(?<!-)$");

    private Names() {
    }

    /** @param slug the bottle @return its machine's name: {@code bb-<slug>}, or {@code bb-<hash>} when smolvm would refuse that */
    public static String machine(String slug) {
        String name = "bb-" + slug;
        return name.length() <= 128 && MACHINE_NAME.matcher(name).matches() ? name : "bb-" + hash(slug);
    }

    /** @param slug the bottle @return the host device holding its address: {@code bbv-} and 10 hex digits (Linux allows 15) */
    public static String device(String slug) {
        return "bbv-" + hash(slug);
    }

    /** @param slug the bottle @return its host firewall chain: {@code BBV-} and 10 hex digits */
    public static String chain(String slug) {
        return "BBV-" + hash(slug);
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
