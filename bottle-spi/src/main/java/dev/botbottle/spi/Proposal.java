package dev.botbottle.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One request of a bottle's agent to its operator, made through that bottle's supervise server and kept in the
 * bottle's state until it is answered. Build one with {@link #builder()}.
 *
 * @param id the proposal's id, unique across the host's bottles (lower-case letters and digits)
 * @param slug the bottle that asked; the only bottle its approval can change
 * @param createdAt when it was made
 * @param justification why the agent says it needs the change, in its own words
 * @param change what it asks for
 * @since 0.1
 */
public record Proposal(String id, String slug, Instant createdAt, String justification, ProposedChange change) {

    /** What a proposal id looks like. */
    public static final Pattern ID = Pattern.compile("^[a-z0-9]{4,32}$");

    public Proposal {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(justification, "justification");
        Objects.requireNonNull(change, "change");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("proposal id '" + id + "' must match " + ID.pattern());
        }
        if (!BottleSpec.NAME.matcher(slug).matches()) {
            throw new IllegalArgumentException("slug '" + slug + "' must match " + BottleSpec.NAME.pattern());
        }
    }

    /** @return a builder; {@code createdAt} defaults to now */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this proposal's values */
    public Builder toBuilder() {
        return new Builder().id(id).slug(slug).createdAt(createdAt).justification(justification).change(change);
    }

    /** Builds a {@link Proposal}. */
    public static final class Builder {
        private String id;
        private String slug;
        private Instant createdAt = Instant.now();
        private String justification = "";
        private ProposedChange change;

        private Builder() {
        }

        /** @param value the id @return this builder */
        public Builder id(String value) {
            this.id = value;
            return this;
        }

        /** @param value the bottle @return this builder */
        public Builder slug(String value) {
            this.slug = value;
            return this;
        }

        /** @param value when it was made @return this builder */
        public Builder createdAt(Instant value) {
            this.createdAt = value;
            return this;
        }

        /** @param value why the agent needs it @return this builder */
        public Builder justification(String value) {
            this.justification = value;
            return this;
        }

        /** @param value what it asks for @return this builder */
        public Builder change(ProposedChange value) {
            this.change = value;
            return this;
        }

        /** @return the proposal */
        public Proposal build() {
            return new Proposal(id, slug, createdAt, justification, change);
        }
    }
}
