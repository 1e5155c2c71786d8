package dev.botbottle.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A credential value as a {@link CredentialSource} hands it out, and how long it may be used.
 *
 * <p>A gateway that holds a credential with an expiry asks its source again shortly before that time, so a rotated
 * token reaches a running bottle without a restart. A credential without one is used until the upstream refuses it
 * (HTTP 401), when the source is asked again too.
 *
 * @param value the secret value; never printed
 * @param expiresAt when the value stops being valid, if the source knows
 * @since 0.2
 */
public record Credential(Secret value, Optional<Instant> expiresAt) {

    public Credential {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /**
     * @param value the secret value
     * @return a credential without a known expiry
     */
    public static Credential of(Secret value) {
        return new Credential(value, Optional.empty());
    }

    /**
     * @param value the secret value
     * @param expiresAt when it stops being valid
     * @return a credential the gateway refreshes before {@code expiresAt}
     */
    public static Credential until(Secret value, Instant expiresAt) {
        return new Credential(value, Optional.of(expiresAt));
    }

    /** @return a fixed text naming the expiry, never the value */
    @Override
    public String toString() {
        return "Credential[****" + expiresAt.map(t -> ", expires " + t).orElse("") + "]";
    }
}
