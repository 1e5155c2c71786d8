package dev.botbottle.core.runtime;

import dev.botbottle.spi.Credential;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.Secret;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The credential source of a pooled bottle's gateways: it knows nothing until the bottle is claimed, then answers
 * with the claiming launch's source. Bound once.
 */
final class DeferredCredentials implements CredentialSource {

    private final AtomicReference<CredentialSource> bound = new AtomicReference<>();

    /** @param source the claiming launch's credentials */
    void bind(CredentialSource source) {
        if (!bound.compareAndSet(null, Objects.requireNonNull(source, "source"))) {
            throw new IllegalStateException("a pooled bottle is claimed once");
        }
    }

    @Override
    public Optional<Secret> resolve(String reference) {
        CredentialSource source = bound.get();
        return source == null ? Optional.empty() : source.resolve(reference);
    }

    @Override
    public Optional<Credential> credential(String reference) {
        CredentialSource source = bound.get();
        return source == null ? Optional.empty() : source.credential(reference);
    }

    @Override
    public void invalidate(String reference) {
        CredentialSource source = bound.get();
        if (source != null) {
            source.invalidate(reference);
        }
    }
}
