package dev.botbottle.provider.claude;

import dev.botbottle.spi.PathMatch;
import dev.botbottle.spi.RouteMatch;

import java.util.List;

/**
 * What Claude Code may do on {@code api.anthropic.com} with the operator's OAuth token: the paths and methods the
 * pinned CLI uses (inference, its settings and policy limits, reads of the OAuth profile, telemetry), nothing else.
 * Left out on purpose: every other write under {@code /api/oauth/} (the login flow there mints API keys, which an
 * agent could carry out), and the rest of the API (files, organisation and admin endpoints).
 */
final class ClaudeRoutes {

    private ClaudeRoutes() {
    }

    static List<RouteMatch> matches() {
        return List.of(
                new RouteMatch(List.of(prefix("/v1/messages"), prefix("/api/event_logging")), List.of("POST")),
                new RouteMatch(List.of(prefix("/v1/messages"), prefix("/v1/models"), prefix("/api/claude_code"),
                        prefix("/api/oauth")), List.of("GET")));
    }

    private static PathMatch prefix(String p) {
        return new PathMatch(PathMatch.Type.PREFIX, p);
    }
}
