package dev.botbottle.spi;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What an agent provider needs for a bottle, decided at plan time without reading any secret.
 *
 * <p>Make one with {@link #builder()}: components may be added in a minor version, and a provider that uses the
 * builder keeps working (ADR 11).
 *
 * @param placeholderEnv environment set in the bottle so the CLI believes it is logged in (placeholder values,
 *                       never real credentials)
 * @param hiddenEnvNames names of variables never shown in the preflight or {@code info}
 * @param egressRoutes routes the provider needs; for the same host they win over the manifest's
 * @param credentialRefs the credential references the provider's routes use that the provider itself resolves at
 *                       prepare ({@link AgentProvider#credentials})
 * @param image the agent image, when the provider ships one
 * @param env other non-secret environment the CLI needs (e.g. turning off self-update)
 * @since 0.1
 */
public record AgentProvisionPlan(Map<String, String> placeholderEnv, Set<String> hiddenEnvNames,
                                 List<EgressRoute> egressRoutes, Set<String> credentialRefs, Optional<ImageSpec> image,
                                 Map<String, String> env) {
    /** A provider that needs nothing. */
    public static final AgentProvisionPlan EMPTY = builder().build();

    public AgentProvisionPlan {
        placeholderEnv = Map.copyOf(placeholderEnv);
        hiddenEnvNames = Set.copyOf(hiddenEnvNames);
        egressRoutes = List.copyOf(egressRoutes);
        credentialRefs = Set.copyOf(credentialRefs);
        Objects.requireNonNull(image, "image");
        env = Map.copyOf(env);
    }

    /** @return a builder for a plan that needs nothing yet @since 0.2 */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this plan's values @since 0.2 */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.placeholderEnv.putAll(placeholderEnv);
        b.hiddenEnvNames.addAll(hiddenEnvNames);
        b.egressRoutes.addAll(egressRoutes);
        b.credentialRefs.addAll(credentialRefs);
        b.image = image;
        b.env.putAll(env);
        return b;
    }

    /**
     * Makes an {@link AgentProvisionPlan}. Adders accumulate; a name set twice keeps the last value.
     *
     * @since 0.2
     */
    public static final class Builder {
        private final Map<String, String> placeholderEnv = new LinkedHashMap<>();
        private final Set<String> hiddenEnvNames = new LinkedHashSet<>();
        private final List<EgressRoute> egressRoutes = new ArrayList<>();
        private final Set<String> credentialRefs = new LinkedHashSet<>();
        private Optional<ImageSpec> image = Optional.empty();
        private final Map<String, String> env = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * A placeholder the CLI reads as its login; shown in the preflight unless {@link #hidden}.
         *
         * @param name the variable
         * @param placeholder its placeholder value (never a real credential)
         * @return this builder
         */
        public Builder placeholder(String name, String placeholder) {
            placeholderEnv.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(placeholder, "placeholder"));
            return this;
        }

        /** @param name a variable never shown in the preflight or {@code info} @return this builder */
        public Builder hidden(String name) {
            hiddenEnvNames.add(Objects.requireNonNull(name, "name"));
            return this;
        }

        /** @param route a route the provider needs; it wins over a manifest route for its host @return this builder */
        public Builder route(EgressRoute route) {
            egressRoutes.add(Objects.requireNonNull(route, "route"));
            return this;
        }

        /** @param reference a credential the provider resolves itself in {@link AgentProvider#credentials} @return this builder */
        public Builder credentialRef(String reference) {
            credentialRefs.add(Objects.requireNonNull(reference, "reference"));
            return this;
        }

        /** @param value the agent image the provider ships @return this builder */
        public Builder image(ImageSpec value) {
            this.image = Optional.of(value);
            return this;
        }

        /** @param name a non-secret variable the CLI needs @param value its value @return this builder */
        public Builder env(String name, String value) {
            env.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** @return the plan */
        public AgentProvisionPlan build() {
            return new AgentProvisionPlan(placeholderEnv, hiddenEnvNames, egressRoutes, credentialRefs, image, env);
        }
    }
}
