package dev.botbottle.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret value (a token, a prompted env value) that must never be printed, logged or serialised.
 *
 * <p>{@link #toString()} never shows the value; only {@link #reveal()} does, and callers use it at the
 * last moment (injecting a header, handing an env value to an exec). Equality compares in constant time.
 *
 * @since 0.1
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /**
     * @param value the secret text
     * @return a wrapper that hides it
     */
    public static Secret of(String value) {
        return new Secret(value);
    }

    /** @return the secret text; use it only where it must leave the process */
    public String reveal() {
        return value;
    }

    /** @return whether the secret is the empty string */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret s
                && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** @return a fixed mask; never the value */
    @Override
    public String toString() {
        return "Secret[****]";
    }
}
