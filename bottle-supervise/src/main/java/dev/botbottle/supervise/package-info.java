/**
 * The supervise MCP server (a later issue): one streamable-HTTP MCP server per bottle through which the agent proposes what it lacks (an egress route, a capability) and the host-side approval API that answers approve, modify or reject. Will be built on the MCP Java SDK.
 *
 * @since 0.1
 */
package dev.botbottle.supervise;
