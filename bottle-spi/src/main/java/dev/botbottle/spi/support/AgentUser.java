package dev.botbottle.spi.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A user of a bottle's image, from its {@code /etc/passwd}, and the rule that picks the one the agent runs as — for
 * backend authors, so every backend keeps the same promise: the agent is never root.
 *
 * <pre>{@code
 * Map<String, AgentUser> users = AgentUser.parse(catEtcPasswd);
 * if (AgentUser.needsAgentUser(users, label)) {
 *     runAsRoot("sh", "-c", AgentUser.ENSURE_UID_1000);   // then read /etc/passwd again
 * }
 * AgentUser agent = AgentUser.choose(users, label);
 * }</pre>
 *
 * @param name login name
 * @param uid numeric user id
 * @param gid numeric primary group id
 * @param home home directory
 * @since 0.1
 */
public record AgentUser(String name, int uid, int gid, String home) {

    /** Root, as every image has it; for provisioning steps, never the agent. */
    public static final AgentUser ROOT = new AgentUser("root", 0, 0, "/root");

    /** The image label naming the agent user ({@code LABEL dev.botbottle.user=dev}). */
    public static final String LABEL = "dev.botbottle.user";

    /**
     * The script that gives an image without a user of uid 1000 one, run as root when a bottle starts: an
     * {@code agent} user (or {@code bottle-agent} when the name is taken) with uid and gid 1000 and its own home. It
     * changes nothing when the image has such a user. Needs only {@code sh}, {@code grep}, {@code mkdir} and
     * {@code chown}, so minimal images work too.
     */
    public static final String ENSURE_UID_1000 = String.join("\n",
            "set -e",
            "grep -qE '^[^:]*:[^:]*:1000:' /etc/passwd && exit 0",
            "n=agent",
            "grep -q '^agent:' /etc/passwd && n=bottle-agent",
            "grep -qE '^[^:]*:[^:]*:1000:' /etc/group || echo \"$n:x:1000:\" >> /etc/group",
            "sh=/bin/sh; [ -x /bin/bash ] && sh=/bin/bash",
            "echo \"$n:x:1000:1000:bot-bottle agent:/home/$n:$sh\" >> /etc/passwd",
            "if [ -f /etc/shadow ]; then echo \"$n:!:20000:0:99999:7:::\" >> /etc/shadow; fi",
            "mkdir -p \"/home/$n\"",
            "chown 1000:1000 \"/home/$n\"",
            "chmod 0750 \"/home/$n\"",
            "");

    /**
     * @param name login name
     * @param uid numeric user id
     * @param gid numeric primary group id
     * @param home home directory
     */
    public AgentUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(home, "home");
    }

    /** @return {@code uid:gid}, for {@code chown} */
    public String owner() {
        return uid + ":" + gid;
    }

    /**
     * @param passwd the text of an {@code /etc/passwd}
     * @return its users by name, in file order; lines that are not entries are skipped
     */
    public static Map<String, AgentUser> parse(String passwd) {
        Map<String, AgentUser> users = new LinkedHashMap<>();
        for (String line : passwd.split("\n")) {
            String[] f = line.strip().split(":", -1);
            if (f.length < 7 || f[0].isEmpty() || f[0].startsWith("#")) {
                continue;
            }
            try {
                users.putIfAbsent(f[0], new AgentUser(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[5]));
            } catch (NumberFormatException e) {
                // not an entry; the others still count
            }
        }
        return users;
    }

    /**
     * @param users the image's users by name
     * @param labelled the value of the image's {@link #LABEL}, if set
     * @return whether the backend must run {@link #ENSURE_UID_1000} before {@link #choose} can pick a user
     */
    public static boolean needsAgentUser(Map<String, AgentUser> users, Optional<String> labelled) {
        return labelled.filter(l -> !l.isBlank()).isEmpty() && users.values().stream().noneMatch(u -> u.uid() == 1000);
    }

    /**
     * Chooses the agent user: the one the image's {@link #LABEL} names, else the one with uid 1000 (which the backend
     * adds when the image has none, {@link #ENSURE_UID_1000}). Never root by default: a bottle whose agent runs as
     * root would hold root's capabilities and could rewrite its trust store and system files.
     *
     * @param users the users of the image, by name
     * @param labelled the value of the image label, if set
     * @return the agent user
     * @throws IllegalArgumentException when the label names a user the image does not have or one with uid 0, or
     *                                  nothing is labelled and no user has uid 1000
     */
    public static AgentUser choose(Map<String, AgentUser> users, Optional<String> labelled) {
        if (labelled.isPresent() && !labelled.get().isBlank()) {
            AgentUser user = users.get(labelled.get());
            if (user == null) {
                throw new IllegalArgumentException("the image label " + LABEL + "=" + labelled.get()
                        + " names a user that is not in the image's /etc/passwd");
            }
            if (user.uid() == 0) {
                throw new IllegalArgumentException("the image label " + LABEL + "=" + labelled.get()
                        + " names a user with uid 0, and the agent never runs as root; name a non-root user, or drop"
                        + " the label to get a uid 1000 user");
            }
            return user;
        }
        return users.values().stream().filter(u -> u.uid() == 1000).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the image has no user with uid 1000 and its label "
                        + LABEL + " names none, and the agent never runs as root"));
    }

    /**
     * @param users the image's users by name
     * @param who a user name or a numeric uid, as an exec request names it
     * @return that user
     */
    public static Optional<AgentUser> find(Map<String, AgentUser> users, String who) {
        AgentUser byName = users.get(who);
        if (byName != null) {
            return Optional.of(byName);
        }
        if (!who.isEmpty() && who.chars().allMatch(Character::isDigit)) {
            int uid = Integer.parseInt(who);
            return users.values().stream().filter(u -> u.uid() == uid).findFirst()
                    .or(() -> uid == 0 ? Optional.of(ROOT) : Optional.empty());
        }
        return who.equals("root") ? Optional.of(ROOT) : Optional.empty();
    }
}
