package dev.botbottle.backend.docker.internal;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A user of the bottle's image, from its {@code /etc/passwd}.
 *
 * @param name login name
 * @param uid numeric user id
 * @param gid numeric primary group id
 * @param home home directory
 */
public record AgentUser(String name, int uid, int gid, String home) {

    /** The fallback when the image has no other user. */
    public static final AgentUser ROOT = new AgentUser("root", 0, 0, "/root");

    public AgentUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(home, "home");
    }

    /** @return {@code uid:gid}, for {@code chown} */
    public String owner() {
        return uid + ":" + gid;
    }

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
     * Chooses the agent user: the one the image's {@code dev.botbottle.user} label names, else the one with uid
     * 1000 (which the backend adds when the image has none, {@link #ENSURE_UID_1000}). Never root by default: a
     * bottle whose agent runs as root would hold root's capabilities and could rewrite its trust store and system
     * files.
     *
     * @param passwd the users of the image, by name
     * @param labelled the value of the image label, if set
     * @return the agent user
     * @throws IllegalArgumentException when the label names a user the image does not have, or nothing is labelled
     *                                  and no user has uid 1000
     */
    public static AgentUser choose(Map<String, AgentUser> passwd, Optional<String> labelled) {
        if (labelled.isPresent() && !labelled.get().isBlank()) {
            AgentUser user = passwd.get(labelled.get());
            if (user == null) {
                throw new IllegalArgumentException("the image label " + Names.USER_LABEL + "=" + labelled.get()
                        + " names a user that is not in the image's /etc/passwd");
            }
            return user;
        }
        return passwd.values().stream().filter(u -> u.uid() == 1000).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the image has no user with uid 1000 and its label "
                        + Names.USER_LABEL + " names none, and the agent never runs as root"));
    }
}
