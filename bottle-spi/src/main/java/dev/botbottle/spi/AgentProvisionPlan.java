package dev.botbottle.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What an agent provider needs for a bottle, decided at plan time without reading any secret.
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
    public static final AgentProvisionPlan EMPTY = new AgentProvisionPlan(Map.of(), Set.of(), List.of(), Set.of(),
            Optional.empty(), Map.of());

    public AgentProvisionPlan {
        placeholderEnv = Map.copyOf(placeholderEnv);
        hiddenEnvNames = Set.copyOf(hiddenEnvNames);
        egressRoutes = List.copyOf(egressRoutes);
        credentialRefs = Set.copyOf(credentialRefs);
        Objects.requireNonNull(image, "image");
        env = Map.copyOf(env);
    }
}
