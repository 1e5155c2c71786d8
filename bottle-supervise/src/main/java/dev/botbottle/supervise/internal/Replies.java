package dev.botbottle.supervise.internal;

import dev.botbottle.spi.Decision;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.PathMatch;
import dev.botbottle.spi.Proposal;
import dev.botbottle.spi.ProposedChange;
import dev.botbottle.spi.RouteMatch;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The answers the agent reads: one text block it can act on, plus the same facts as structured content. */
final class Replies {

    private Replies() {
    }

    static CallToolResult decided(Proposal proposal, Decision decision, List<EgressRoute> routesNow) {
        Map<String, Object> data = base(proposal.id(), decision.outcome().name().toLowerCase(java.util.Locale.ROOT));
        data.put("note", decision.note());
        String note = decision.note().isBlank() ? "" : " Operator's note: " + decision.note();
        String text;
        Optional<ProposedChange> granted = decision.granted(proposal);
        if (decision.outcome() == Decision.Outcome.REJECTED) {
            text = proposal.change() instanceof ProposedChange.Question
                    ? "DECLINED: your operator did not answer question " + proposal.id() + "." + note
                    : "REJECTED: proposal " + proposal.id() + " (" + proposal.change().summary() + ")." + note
                            + " Do not retry around the sandbox; find another way or ask again with a better justification.";
        } else if (granted.orElseThrow() instanceof ProposedChange.Route r) {
            String host = r.route().host();
            String now = routesNow.stream().filter(x -> x.host().equals(host)).findFirst().map(Replies::render)
                    .orElse(render(r.route()));
            data.put("route", now);
            text = (decision.outcome() == Decision.Outcome.MODIFIED
                    ? "APPROVED WITH CHANGES: proposal " + proposal.id() + "; the operator granted a different route than you asked for."
                    : "APPROVED: proposal " + proposal.id() + ".")
                    + " The egress route now in force: " + now + "." + note + " Retry your request now.";
        } else if (granted.get() instanceof ProposedChange.Image image) {
            data.put("dockerfile", image.dockerfile());
            text = (decision.outcome() == Decision.Outcome.MODIFIED
                    ? "APPROVED WITH CHANGES: proposal " + proposal.id() + "; the image change recorded is:\n" + image.dockerfile() + "\n"
                    : "APPROVED: proposal " + proposal.id() + "; the image change is recorded.")
                    + " It takes effect when your operator rebuilds the bottle (it stops and resumes it; your files stay);"
                    + " until then the image is unchanged." + note;
        } else {
            text = "ANSWER from your operator to question " + proposal.id() + ": "
                    + (decision.note().isBlank() ? "(no words, just approval)" : decision.note());
        }
        return result(text, data, false);
    }

    static CallToolResult pending(Proposal proposal) {
        return pending(proposal.id(), proposal.change().summary());
    }

    static CallToolResult pending(String id, String summary) {
        Map<String, Object> data = base(id, "pending");
        return result("STILL PENDING: proposal " + id + " (" + summary + ") is waiting for your operator and stays"
                + " queued. Carry on with work that does not need it, then call proposal-status with"
                + " {\"proposal_id\": \"" + id + "\"} to wait for the answer again.", data, false);
    }

    static CallToolResult refused(String why) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", "invalid");
        data.put("reason", why);
        return result("NOT FILED: " + why, data, true);
    }

    static CallToolResult routes(List<EgressRoute> routes) {
        List<String> lines = routes.stream().map(Replies::render).toList();
        String text = routes.isEmpty() ? "No egress routes: every host is refused. Ask for one with egress-block."
                : "Egress routes of this bottle (every other host is refused; ask for more with egress-block):\n- "
                        + String.join("\n- ", lines);
        return result(text, Map.of("routes", lines), false);
    }

    /** @return e.g. {@code api.example.com {GET,POST /v1/*} ports 443,8443 [credential injected]} — no secret */
    static String render(EgressRoute route) {
        StringBuilder b = new StringBuilder(route.host());
        for (RouteMatch m : route.matches()) {
            List<String> parts = new ArrayList<>();
            if (!m.methods().isEmpty()) {
                parts.add(String.join(",", m.methods()));
            }
            m.paths().forEach(p -> parts.add(p.type() == PathMatch.Type.PREFIX ? p.value() + "*" : "~" + p.value()));
            b.append(" {").append(String.join(" ", parts)).append('}');
        }
        if (!route.ports().isEmpty()) {
            b.append(" ports ").append(route.ports().stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        if (route.auth().isPresent()) {
            b.append(" [credential injected by the gateway]");
        }
        if (route.tlsPassthrough()) {
            b.append(" [tls passthrough]");
        }
        return b.toString();
    }

    private static Map<String, Object> base(String id, String status) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", status);
        data.put("proposal_id", id);
        return data;
    }

    private static CallToolResult result(String text, Map<String, Object> data, boolean error) {
        return CallToolResult.builder().addTextContent(text).structuredContent(data).isError(error).build();
    }
}
