package dev.botbottle.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Resolves a credential reference (a {@code token_ref} such as {@code BOT_BOTTLE_GITEA_TOKEN}) to its real value.
 *
 * <p>Called by the runtime at prepare time, once per reference, before anything is created; a reference no source
 * resolves fails the launch with a {@link CredentialException} naming the reference. Sources are the host
 * environment, a provider's forwarded login, or a callback of the embedding application.
 *
 * <p>A source may be asked again while its bottle runs (since 0.2): a gateway asks {@link #credential} again shortly
 * before the expiry the last answer gave, and after an upstream refused the value with HTTP 401, first calling
 * {@link #invalidate} so a source that caches drops the refused value. Those calls come from the gateway's own
 * threads, never from a request's path; an answer that is empty keeps the old value in force (the failure is
 * logged). Implementations are thread-safe; they never log or print the values.
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
     * Resolves a reference with what is known of its expiry. The default answers {@link #resolve} without an expiry;
     * sources that know when their tokens expire override it.
     *
     * @param reference the name of the credential
     * @return the value and its expiry, or empty when this source does not know the reference
     * @since 0.2
     */
    default Optional<Credential> credential(String reference) {
        return resolve(reference).map(Credential::of);
    }

    /**
     * Says the last value handed out for {@code reference} must not be used again: an upstream refused it (HTTP 401)
     * or it expired. The next {@link #credential} call must ask the underlying store afresh. The default does nothing
     * (a source that caches nothing has nothing to forget).
     *
     * @param reference the name of the credential
     * @since 0.2
     */
    default void invalidate(String reference) {
    }

    /**
     * @param next the source asked when this one has no answer
     * @return a source that asks this one first, then {@code next}; {@link #invalidate} reaches both
     */
    default CredentialSource orElse(CredentialSource next) {
        Objects.requireNonNull(next, "next");
        CredentialSource first = this;
        return new CredentialSource() {
            @Override
            public Optional<Secret> resolve(String reference) {
                Optional<Secret> mine = first.resolve(reference);
                return mine.isPresent() ? mine : next.resolve(reference);
            }

            @Override
            public Optional<Credential> credential(String reference) {
                Optional<Credential> mine = first.credential(reference);
                return mine.isPresent() ? mine : next.credential(reference);
            }

            @Override
            public void invalidate(String reference) {
                first.invalidate(reference);
                next.invalidate(reference);
            }
        };
    }

    /**
     * A source backed by the host application's secret store, asked every time a value is needed: at launch, before
     * the previous value expires, and after an upstream refused it.
     *
     * <pre>{@code
     * CredentialSource vault = CredentialSource.callback(ref -> myVault.token(ref)
     *         .map(t -> Credential.until(Secret.of(t.value()), t.expiresAt())));
     * }</pre>
     *
     * @param lookup answers a reference with its current value, or empty when it does not know it
     * @return the source
     * @since 0.2
     */
    static CredentialSource callback(Function<String, Optional<Credential>> lookup) {
        Objects.requireNonNull(lookup, "lookup");
        return new CredentialSource() {
            @Override
            public Optional<Secret> resolve(String reference) {
                return credential(reference).map(Credential::value);
            }

            @Override
            public Optional<Credential> credential(String reference) {
                return Objects.requireNonNull(lookup.apply(reference), "a credential callback returned null");
            }
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
