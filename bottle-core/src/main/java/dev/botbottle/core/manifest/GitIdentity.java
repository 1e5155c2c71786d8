package dev.botbottle.core.manifest;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The git author identity a bottle runs with, and where each field came from.
 *
 * <p>The identity is claimed, not vouched for: an agent's non-empty field wins over the bottle's, and the
 * preflight shows the source of each field.
 *
 * @param name {@code user.name}
 * @param nameSource where {@link #name()} came from
 * @param email {@code user.email}
 * @param emailSource where {@link #email()} came from
 * @since 0.1
 */
public record GitIdentity(Optional<String> name, Source nameSource, Optional<String> email, Source emailSource) {

    /**
     * Where a field of the identity came from.
     *
     * @since 0.1
     */
    public enum Source {
        /** the agent's {@code git.user} */
        AGENT,
        /** the bottle's {@code git.user} (after {@code extends}) */
        BOTTLE,
        /** neither declares it */
        NONE
    }

    public GitIdentity {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(nameSource, "nameSource");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(emailSource, "emailSource");
        if (name.isPresent() == (nameSource == Source.NONE) || email.isPresent() == (emailSource == Source.NONE)) {
            throw new IllegalArgumentException("a field has a source exactly when it is present");
        }
    }

    /**
     * Overlays an agent's claimed identity on a bottle's, per field; the agent's non-empty field wins.
     *
     * @param agent the agent's {@code git.user}, {@link GitUser#NONE} if absent
     * @param bottle the bottle's {@code git.user}, {@link GitUser#NONE} if absent
     * @return the identity with its provenance
     */
    public static GitIdentity overlay(GitUser agent, GitUser bottle) {
        Source nameSource = agent.name().isPresent() ? Source.AGENT
                : bottle.name().isPresent() ? Source.BOTTLE : Source.NONE;
        Source emailSource = agent.email().isPresent() ? Source.AGENT
                : bottle.email().isPresent() ? Source.BOTTLE : Source.NONE;
        return new GitIdentity(agent.name().or(bottle::name), nameSource, agent.email().or(bottle::email),
                emailSource);
    }

    /** @return whether neither field is set */
    public boolean isEmpty() {
        return name.isEmpty() && email.isEmpty();
    }

    /**
     * @return e.g. {@code Ada (agent) <ada@x> (bottle)}: each field with its source; {@code (none)} when neither is set
     */
    public String render() {
        if (isEmpty()) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder();
        name.ifPresent(n -> sb.append(n).append(" (").append(nameSource.name().toLowerCase(Locale.ROOT)).append(')'));
        email.ifPresent(e -> sb.append(sb.length() > 0 ? " " : "").append('<').append(e).append("> (")
                .append(emailSource.name().toLowerCase(Locale.ROOT)).append(')'));
        return sb.toString();
    }
}
