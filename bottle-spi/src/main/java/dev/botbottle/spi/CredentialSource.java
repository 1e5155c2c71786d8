package dev.botbottle.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Resolves a credential reference (a {@code token_ref} such as {@code BOT_BOTTLE_GITEA_TOKEN}) to its real value.
 *
 * <p>Called by the runtime at prepare time, once per reference, before anything is created; a reference no
 * source resolves fails the launch with a {@link CredentialException} naming the reference. Sources are the
 * host environment, a provider's forwarded login, or a callback of the embedding application.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface CredentialSource {

    /**
     * @param reference the name of the credential, as written in the manifest or chosen by a provider
     * @return the value, or empty when this source does not know the reference
     */
    Optional<Secret> resolve(String reference);

    /**
     * @param next the source asked when this one has no answer
     * @return a source that asks this one first, then {@code next}
     */
    default CredentialSource orElse(CredentialSource next) {
        Objects.requireNonNull(next, "next");
        return reference -> {
            Optional<Secret> mine = resolve(reference);
            return mine.isPresent() ? mine : next.resolve(reference);
        };
    }

    /**
     * @param environment variables, usually {@link System#getenv()}; empty values count as absent
     * @return a source reading the given environment
     */
    static CredentialSource fromEnvironment(Map<String, String> environment) {
        Map<String, String> copy = Map.copyOf(environment);
        return reference -> Optional.ofNullable(copy.get(reference)).filter(v -> !v.isEmpty()).map(Secret::of);
    }

    /** @return a source that knows nothing */
    static CredentialSource none() {
        return reference -> Optional.empty();
    }
}
