package dev.botbottle.spi;

import java.util.Objects;

/**
 * The credential the egress gateway injects on a route.
 *
 * @param scheme the {@code Authorization} scheme, e.g. {@code Bearer} or {@code token}
 * @param tokenRef the name the real value is resolved by ({@link CredentialSource}); never the value itself
 * @since 0.1
 */
public record RouteAuth(String scheme, String tokenRef) {
    public RouteAuth {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(tokenRef, "tokenRef");
        if (scheme.isBlank() || tokenRef.isBlank()) {
            throw new IllegalArgumentException("auth scheme and token_ref must not be blank");
        }
    }
}
