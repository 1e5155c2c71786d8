package dev.botbottle.core.manifest;

import java.util.Objects;
import java.util.Optional;

/**
 * A git author identity ({@code git.user}) as declared by a bottle or an agent; either field may be absent.
 *
 * <p>Blank values are treated as absent, so that an agent's non-empty field wins over the bottle's.
 *
 * @param name {@code user.name}
 * @param email {@code user.email}
 * @since 0.1
 */
public record GitUser(Optional<String> name, Optional<String> email) {

    /** No name, no email. */
    public static final GitUser NONE = new GitUser(Optional.empty(), Optional.empty());

    public GitUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(email, "email");
        name = name.filter(s -> !s.isBlank());
        email = email.filter(s -> !s.isBlank());
    }

    /**
     * @param name the name, or {@code null}
     * @param email the email, or {@code null}
     * @return the identity
     */
    public static GitUser of(String name, String email) {
        return new GitUser(Optional.ofNullable(name), Optional.ofNullable(email));
    }

    /** @return whether neither field is set */
    public boolean isEmpty() {
        return name.isEmpty() && email.isEmpty();
    }

    /**
     * @param base the identity to fall back on
     * @return this identity's fields where set, {@code base}'s otherwise
     */
    public GitUser over(GitUser base) {
        return new GitUser(name.or(base::name), email.or(base::email));
    }
}
