package dev.botbottle.it;

import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;

import java.util.Map;

/** An MCP client as an agent's CLI is one, from inside a bottle: curl over streamable HTTP with the bottle's bearer. */
final class McpCurl {

    private McpCurl() {
    }

    /** Initializes, then sends one request; the answer is the exec's stdout. */
    static ExecResult call(RunningBottle bottle, String url, String request) {
        String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"curl-agent\",\"version\":\"1\"}}}";
        String script = """
                post() { curl -sS --max-time 60 -H "Authorization: Bearer $BOT_BOTTLE_SUPERVISE_TOKEN" \\
                  -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \\
                  -H 'MCP-Protocol-Version: 2025-06-18' --data "$1" "$URL"; }
                post "$1" >/dev/null || exit 1
                post "$2"
                """;
        return bottle.exec(ExecRequest.of("sh", "-c", script, "mcp", init, request).withEnv(Map.of("URL", url)));
    }
}
