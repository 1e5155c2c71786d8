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
     * Chooses the agent user: the one the image's {@code dev.botbottle.user} label names, else the one with uid
     * 1000, else root.
     *
     * @param passwd the users of the image, by name
     * @param labelled the value of the image label, if set
     * @return the agent user
     * @throws IllegalArgumentException when the label names a user the image does not have
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
                .orElse(passwd.getOrDefault("root", ROOT));
    }
}
