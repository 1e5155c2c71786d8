package dev.botbottle.spi;

/**
 * Implemented by the {@link GatewayService} named {@code supervise}: tells the runtime where the agent reaches its
 * supervise MCP server, so the runtime can have the agent provider register it ({@link AgentProvider#superviseSteps}).
 *
 * @since 0.1
 */
public interface SuperviseService {

    /**
     * @param reach where the bottle reaches the host
     * @return the server's URL as the bottle sees it, and the bottle's bearer token for it
     */
    SuperviseEndpoint endpoint(HostReach reach);
}
