package dev.botbottle.backend.smolvm.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A user of the machine's image, from its {@code /etc/passwd}.
 *
 * @param name login name
 * @param uid numeric user id
 * @param gid numeric primary group id
 * @param home home directory
 */
public record AgentUser(String name, int uid, int gid, String home) {

    /** Root, as every image has it. */
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
     * The agent user: the one the image's {@code dev.botbottle.user} label names, else the one with uid 1000,
     * else root.
     *
     * @param users the image's users by name
     * @param labelled the label's value, if any
     * @return the agent user
     * @throws IllegalArgumentException when the label names a user the image does not have
     */
    public static AgentUser choose(Map<String, AgentUser> users, Optional<String> labelled) {
        if (labelled.isPresent() && !labelled.get().isBlank()) {
            AgentUser user = users.get(labelled.get());
            if (user == null) {
                throw new IllegalArgumentException("the image label " + Names.USER_LABEL + "=" + labelled.get()
                        + " names a user that is not in the image's /etc/passwd");
            }
            return user;
        }
        return users.values().stream().filter(u -> u.uid() == 1000).findFirst()
                .orElse(users.getOrDefault("root", ROOT));
    }

    /**
     * @param users the image's users by name
     * @param who a user name or a numeric uid
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
