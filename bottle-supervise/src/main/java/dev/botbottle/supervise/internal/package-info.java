/**
 * The supervise server's implementation: the Jetty server and bearer check, the MCP tools, argument parsing and
 * the replies the agent reads. Not an API.
 */
package dev.botbottle.supervise.internal;
