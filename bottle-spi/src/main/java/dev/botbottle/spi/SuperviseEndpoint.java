package dev.botbottle.spi;

import java.util.Objects;

/**
 * Where the agent reaches its supervise MCP server, as seen from inside the bottle, and what the agent should be
 * told about it.
 *
 * @param url the streamable-HTTP URL, e.g. {@code http://172.18.0.1:40123/mcp}
 * @param bearerEnvName the variable in the bottle holding the bearer token (for CLIs that read it from env)
 * @param bearer the bottle's own bearer token for that server; it grants nothing outside this bottle
 * @param agentNotes Markdown for the agent's instruction file (CLAUDE.md, AGENTS.md): when and how to use the
 *                   server's tools; empty when the server has nothing to say
 * @since 0.1
 */
public record SuperviseEndpoint(String url, String bearerEnvName, Secret bearer, String agentNotes) {
    public SuperviseEndpoint {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(bearerEnvName, "bearerEnvName");
        Objects.requireNonNull(bearer, "bearer");
        Objects.requireNonNull(agentNotes, "agentNotes");
    }

    /**
     * An endpoint without agent notes.
     *
     * @param url the streamable-HTTP URL
     * @param bearerEnvName the variable holding the bearer in the bottle
     * @param bearer the bottle's bearer
     */
    public SuperviseEndpoint(String url, String bearerEnvName, Secret bearer) {
        this(url, bearerEnvName, bearer, "");
    }
}
