/**
 * The supervise MCP server: one streamable-HTTP MCP server per bottle (built on the MCP Java SDK, served by an
 * embedded Jetty bound only where that bottle reaches the host, requiring that bottle's own bearer), through which
 * the agent lists its egress routes and proposes what it lacks — an egress route, an image change — or asks its
 * operator a question. Proposals go to the runtime's {@link dev.botbottle.spi.ProposalDesk}, which persists them and
 * asks the host's {@link dev.botbottle.spi.SupervisorHandler}; tools wait for the answer up to a bound and otherwise
 * answer "still pending" with the proposal's id.
 *
 * <p>{@link dev.botbottle.supervise.SuperviseGatewayProvider} is the plugin; everything else is internal.
 *
 * @since 0.1
 */
package dev.botbottle.supervise;
