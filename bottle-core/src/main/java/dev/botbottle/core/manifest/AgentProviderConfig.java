package dev.botbottle.core.manifest;

import com.google.common.collect.ImmutableMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A bottle's {@code agent_provider} block: which agent provider runs in the bottle and how it authenticates.
 *
 * @param template the provider's name ({@code claude} by default, {@code codex}, or a third-party plugin's name)
 * @param authToken the name of the host environment variable holding the Claude OAuth token (never the token);
 *                  only with template {@code claude}
 * @param forwardHostCredentials whether the host's own login is forwarded through egress (Codex's
 *                               {@code ~/.codex/auth.json}); never with template {@code claude}
 * @param settings any other keys, as strings, for third-party providers; empty for the built-in ones
 * @since 0.1
 */
public record AgentProviderConfig(String template, Optional<String> authToken, boolean forwardHostCredentials,
                                  Map<String, String> settings) {

    /** The template used when none is given. */
    public static final String DEFAULT_TEMPLATE = "claude";

    /** The default: template {@code claude}, no token, no forwarding. */
    public static final AgentProviderConfig DEFAULT =
            new AgentProviderConfig(DEFAULT_TEMPLATE, Optional.empty(), false, Map.of());

    public AgentProviderConfig {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(authToken, "authToken");
        settings = ImmutableMap.copyOf(settings);
        if (authToken.isPresent() && !DEFAULT_TEMPLATE.equals(template)) {
            throw new IllegalArgumentException("auth_token is only supported with template claude");
        }
    }
}
