package dev.botbottle.provider.codex;

import dev.botbottle.spi.PathMatch;
import dev.botbottle.spi.RouteMatch;

import java.util.List;

/**
 * What Codex may do with the operator's forwarded ChatGPT token: the paths and methods the pinned CLI uses, nothing
 * else. On {@code chatgpt.com}: the Codex backend ({@code /backend-api/codex}: models, responses over HTTP or
 * WebSocket), reads of the account and settings ({@code /backend-api/wham}) and of the plugin catalogue. Left out
 * on purpose: the rest of the ChatGPT backend (conversations, account and settings writes), and the plugins' MCP
 * proxy ({@code POST /backend-api/ps/mcp}), which reaches the operator's connected apps with the operator's login.
 * On {@code api.openai.com}: responses and models only.
 */
final class CodexRoutes {

    private CodexRoutes() {
    }

    static List<RouteMatch> matches(String host) {
        if (host.equals("api.openai.com")) {
            return List.of(new RouteMatch(List.of(prefix("/v1/responses"), prefix("/v1/models")),
                    List.of("GET", "POST")));
        }
        return List.of(
                new RouteMatch(List.of(prefix("/backend-api/codex")), List.of("GET", "POST")),
                new RouteMatch(List.of(prefix("/backend-api/wham"), prefix("/backend-api/ps/plugins")),
                        List.of("GET")));
    }

    private static PathMatch prefix(String p) {
        return new PathMatch(PathMatch.Type.PREFIX, p);
    }
}
