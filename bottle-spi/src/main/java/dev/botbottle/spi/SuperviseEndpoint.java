package dev.botbottle.spi;

import java.util.Objects;

/**
 * Where the agent reaches its supervise MCP server, as seen from inside the bottle.
 *
 * @param url the streamable-HTTP URL, e.g. {@code http://172.18.0.1:40123/mcp}
 * @param bearerEnvName the variable in the bottle holding the bearer token (for CLIs that read it from env)
 * @param bearer the bottle's own bearer token for that server; it grants nothing outside this bottle
 * @since 0.1
 */
public record SuperviseEndpoint(String url, String bearerEnvName, Secret bearer) {
    public SuperviseEndpoint {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(bearerEnvName, "bearerEnvName");
        Objects.requireNonNull(bearer, "bearer");
    }
}
