package dev.botbottle.core.plan;

import dev.botbottle.core.manifest.EnvValue;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GatewayServiceProvider;
import dev.botbottle.spi.GitPushPolicy;
import dev.botbottle.spi.GitRemote;
import dev.botbottle.spi.PathMatch;
import dev.botbottle.spi.RouteMatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Renders a plan as the preflight a person reads before a launch (also {@code bottle plan} and {@code info}).
 *
 * <p>Git gate entries read {@code name → upstream_host:upstream_port}; egress routes carry {@code [auth:scheme]}
 * where the gateway injects a credential, {@code [allow_private]} where it may reach internal addresses; a wildcard
 * route adds a warning (every name under it is resolved on the host: a DNS channel); the git identity shows {@code (agent)} / {@code (bottle)} per field.
 * Hidden env names and credential values never appear.
 *
 * @since 0.1
 */
public final class PlanRenderer {

    private PlanRenderer() {
    }

    /**
     * @param plan the plan
     * @return the preflight, one fact per line
     */
    public static String render(BottlePlan plan) {
        List<String> out = new ArrayList<>();
        out.add("agent '" + plan.agent() + "' in bottle '" + plan.bottle() + "'");
        line(out, "slug", plan.slug());
        line(out, "backend", plan.backend());
        plan.backendPlan().details().forEach((k, v) -> line(out, "  " + k, v));
        plan.backendPlan().warnings().forEach(w -> line(out, "warning", "NOT IN FORCE: " + w));
        line(out, "image", plan.image().reference() + (plan.image().buildable() ? " (built if missing)" : ""));
        line(out, "provider", plan.agentPlan().provider());
        line(out, "git identity", plan.identity().render());
        if (plan.remotes().isEmpty()) {
            line(out, "git gate", "(no remotes)");
        }
        boolean gate = plan.runs(GatewayServiceProvider.GIT_GATE);
        for (int i = 0; i < plan.remotes().size(); i++) {
            GitRemote r = plan.remotes().get(i);
            line(out, i == 0 ? "git gate" : "", r.name() + " → " + r.upstreamHost() + ":" + r.upstreamPort()
                    + (r.provisionedKey().isPresent() ? " [deploy key: " + r.provisionedKey().get().provider() + "]"
                    : " [static key]") + push(r.push()) + (gate ? "" : " (NOT SERVED: this build has no git gate)"));
        }
        if (!plan.runs(GatewayServiceProvider.EGRESS)) {
            line(out, "egress", "NONE: this build has no egress gateway, so no host is reachable");
        } else if (plan.routes().isEmpty()) {
            line(out, "egress", "(no routes: every host is denied)");
        }
        for (int i = 0; i < plan.routes().size(); i++) {
            line(out, i == 0 && plan.runs(GatewayServiceProvider.EGRESS) ? "egress" : "", route(plan.routes().get(i)));
        }
        for (EgressRoute r : plan.routes()) {
            if (r.host().startsWith("*.")) {
                line(out, "warning", "route " + r.host() + " admits any name under " + r.host().substring(2)
                        + ", and the gateway resolves each through the host's resolver: an agent can carry data out"
                        + " in the names it looks up (DNS exfiltration); prefer exact hosts");
            }
        }
        List<String> env = env(plan);
        line(out, "env", env.isEmpty() ? "(none)" : String.join(", ", env));
        if (!plan.agentPlan().skills().isEmpty()) {
            line(out, "skills", plan.agentPlan().skills().stream().map(s -> s.name()).collect(Collectors.joining(", ")));
        }
        line(out, "supervise", plan.runs(GatewayServiceProvider.SUPERVISE)
                ? "on: MCP server `supervise` registered with the agent, which can ask for routes and image changes"
                        + " (answer with `bottle supervise`)"
                : plan.supervise() ? "requested, but NOT AVAILABLE in this build (no supervise server is installed)"
                : "off: no supervise server runs and nothing is registered with the agent");
        plan.notices().forEach(n -> out.add("warning: " + n));
        return String.join("\n", out) + "\n";
    }

    private static String push(GitPushPolicy p) {
        StringBuilder b = new StringBuilder();
        if (!p.protectedBranches().isEmpty()) {
            b.append(" protected ").append(String.join(",", p.protectedBranches()));
        }
        if (!p.allowedBranches().isEmpty()) {
            b.append(" push only ").append(String.join(",", p.allowedBranches()));
        }
        if (p.maxPushBytes() > 0) {
            b.append(" max push ").append(p.maxPushBytes()).append(" bytes");
        }
        return b.toString();
    }

    /**
     * @param route a route
     * @return its one-line form, e.g. {@code api.example.com [auth:Bearer] {GET /v1/*}}; never a credential
     */
    public static String route(EgressRoute route) {
        StringBuilder b = new StringBuilder(route.host());
        route.auth().ifPresent(a -> b.append(" [auth:").append(a.scheme()).append(']'));
        if (route.tlsPassthrough()) {
            b.append(" [passthrough]");
        }
        if (route.allowPrivate()) {
            b.append(" [allow_private]");
        }
        if (!route.ports().isEmpty()) {
            b.append(" ports ").append(route.ports().stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        for (RouteMatch m : route.matches()) {
            b.append(" {");
            if (!m.methods().isEmpty()) {
                b.append(String.join(",", m.methods()));
            }
            for (PathMatch p : m.paths()) {
                b.append(' ').append(p.type() == PathMatch.Type.PREFIX ? p.value() + "*" : "~" + p.value());
            }
            b.append('}');
        }
        return b.toString();
    }

    private static List<String> env(BottlePlan plan) {
        Set<String> hidden = plan.agentPlan().provision().hiddenEnvNames();
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, EnvValue> e : plan.env().entrySet()) {
            if (hidden.contains(e.getKey())) {
                continue;
            }
            if (e.getValue() instanceof EnvValue.Literal) {
                out.add(e.getKey());
            } else if (e.getValue() instanceof EnvValue.Prompt) {
                out.add(e.getKey() + " (prompted)");
            } else if (e.getValue() instanceof EnvValue.HostVariable h) {
                out.add(e.getKey() + " (from $" + h.name() + ")");
            }
        }
        plan.agentPlan().provision().env().keySet().stream().filter(n -> !hidden.contains(n)).forEach(out::add);
        plan.agentPlan().provision().placeholderEnv().keySet().stream().filter(n -> !hidden.contains(n))
                .forEach(n -> out.add(n + " (placeholder)"));
        return out;
    }

    private static void line(List<String> out, String key, String value) {
        out.add(String.format("  %-14s %s", key.isEmpty() ? "" : key + ":", value));
    }
}
