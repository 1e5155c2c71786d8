package dev.botbottle.core.escape;

import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.GatewayServiceProvider;
import dev.botbottle.spi.GitRemote;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.PathMatch;
import dev.botbottle.spi.RouteMatch;
import dev.botbottle.spi.SuperviseService;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the host knows about one bottle that the attacker's script needs: where the bottle reaches the host, its
 * gateway ports, its routes and remotes, and the secrets it legitimately holds (its proxy URL, gate URL and supervise
 * bearer), read from inside it the way its agent would.
 */
record BottleFacts(String slug, HostReach reach, List<Integer> tcpPorts, List<Integer> udpPorts,
                   Map<String, Integer> ports, String proxyUrl, Optional<String> gateBase,
                   Optional<String> superviseUrl, Optional<String> bearer, Optional<String> containerAddress,
                   List<EgressRoute> routes, List<GitRemote> remotes) {

    static BottleFacts of(BottleRuntime runtime, RunningBottle bottle) {
        HostReach reach = runtime.state().readMetadata(bottle.slug()).map(m -> m.reach())
                .orElseThrow(() -> new BottleException("bottle " + bottle.slug() + " has no recorded host reach"));
        List<Integer> tcp = new ArrayList<>();
        List<Integer> udp = new ArrayList<>();
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (GatewayService g : bottle.gateways()) {
            tcp.addAll(g.ports().tcp());
            udp.addAll(g.ports().udp());
            ports.put(g.name(), g.port());
        }
        Optional<String> sv = bottle.gateway(GatewayServiceProvider.SUPERVISE, SuperviseService.class)
                .map(s -> s.endpoint(reach).url());
        String env = sh(bottle, "printf '%s\\n%s\\n' \"${HTTPS_PROXY:-}\" \"${BOT_BOTTLE_SUPERVISE_TOKEN:-}\";"
                + " git config --get-regexp '^url\\..*\\.insteadof$' 2>/dev/null | head -1;"
                + " getent hosts \"$(hostname)\" | awk '{print $1}' | head -1");
        String[] lines = (env + "\n\n\n\n").split("\n", -1);
        Optional<String> gate = Optional.of(lines[2].strip()).filter(l -> l.startsWith("url."))
                .map(l -> l.substring(4, l.indexOf(".insteadof"))).map(u -> u.substring(0, u.lastIndexOf('/')));
        return new BottleFacts(bottle.slug(), reach, List.copyOf(tcp), List.copyOf(udp), Map.copyOf(ports),
                lines[0].strip(), gate, sv, Optional.of(lines[1].strip()).filter(s -> !s.isEmpty()),
                Optional.of(lines[3].strip()).filter(s -> !s.isEmpty()), bottle.plan().routes(),
                bottle.plan().remotes());
    }

    private static String sh(RunningBottle bottle, String script) {
        ExecResult r = bottle.exec(ExecRequest.of("sh", "-c", script));
        return r.stdoutText();
    }

    /** @return the variables describing this bottle as the attacker's own */
    Map<String, String> selfVariables(String floorHost) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("BBX_SLUG", slug);
        v.put("BBX_SELF", reach.bottleAddress());
        v.put("BBX_SELF_TCP", join(tcpPorts));
        v.put("BBX_SELF_UDP", join(udpPorts));
        v.put("BBX_EGRESS_PORT", String.valueOf(ports.getOrDefault(GatewayServiceProvider.EGRESS, 0)));
        v.put("BBX_GATE_PORT", String.valueOf(ports.getOrDefault(GatewayServiceProvider.GIT_GATE, 0)));
        superviseUrl.ifPresent(u -> v.put("BBX_SV_URL", u));
        gateBase.ifPresent(g -> v.put("BBX_GATE_BASE", g));
        List<EgressRoute> usable = routes.stream().filter(r -> !r.host().startsWith("*."))
                .filter(r -> !r.host().equals(floorHost)).toList();
        usable.stream().filter(r -> r.auth().isPresent()).findFirst().ifPresent(r -> {
            v.put("BBX_AUTH", r.host() + " " + request(r));
            allowedPrefixes(r).stream().filter(p -> p.contains("echo")).findFirst()
                    .ifPresent(p -> v.put("BBX_AUTH_ECHO", p));
        });
        usable.stream().filter(r -> r.auth().isEmpty() && !r.tlsPassthrough()).findFirst()
                .ifPresent(r -> v.put("BBX_PLAIN", r.host() + " " + request(r)));
        usable.stream().filter(EgressRoute::tlsPassthrough).findFirst().ifPresent(r -> v.put("BBX_PASS", r.host()));
        routes.stream().filter(r -> r.host().startsWith("*.")).findFirst()
                .ifPresent(r -> v.put("BBX_WILD", r.host().substring(2)));
        if (floorHost != null && !floorHost.isEmpty()) {
            v.put("BBX_FLOOR", floorHost);
        }
        if (!remotes.isEmpty()) {
            GitRemote r = remotes.get(0);
            v.put("BBX_GIT_REMOTE", r.name());
            v.put("BBX_GIT_URL", r.url());
            v.put("BBX_GIT_UPSTREAM_HOST", r.upstreamHost());
            v.put("BBX_GIT_UPSTREAM_PORT", String.valueOf(r.upstreamPort()));
            v.put("BBX_GIT_ALLOWED", String.join(" ", r.push().allowedBranches()));
            v.put("BBX_GIT_PROTECTED", r.push().protectedBranches().stream().filter(b -> !b.contains("*"))
                    .findFirst().orElse("main"));
            v.put("BBX_GIT_BRANCH", allowedBranch(r.push().allowedBranches()));
        }
        return v;
    }

    /** @return the variables describing this bottle as the attacker's neighbour */
    Map<String, String> neighbourVariables() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("BBX_OTHER", reach.bottleAddress());
        v.put("BBX_OTHER_SLUG", slug);
        v.put("BBX_OTHER_TCP", join(tcpPorts));
        v.put("BBX_OTHER_UDP", join(udpPorts));
        if (!proxyUrl.isEmpty()) {
            v.put("BBX_OTHER_PROXY", proxyUrl);
        }
        gateBase.ifPresent(g -> v.put("BBX_OTHER_GATE", g));
        superviseUrl.ifPresent(u -> v.put("BBX_OTHER_SV", u));
        bearer.ifPresent(b -> v.put("BBX_OTHER_BEARER", b));
        containerAddress.ifPresent(a -> v.put("BBX_OTHER_CTR", a));
        return v;
    }

    /** @return {@code path method}: the first request the route admits (a prefix path, GET when it may) */
    static String request(EgressRoute r) {
        List<RouteMatch> matches = r.matches();
        if (matches.isEmpty()) {
            return "/ GET";
        }
        RouteMatch m = matches.stream().filter(x -> x.methods().isEmpty() || x.methods().contains("GET")).findFirst()
                .orElse(matches.get(0));
        String path = m.paths().stream().filter(p -> p.type() == PathMatch.Type.PREFIX).map(PathMatch::value)
                .findFirst().orElse("/");
        String method = m.methods().isEmpty() || m.methods().contains("GET") ? "GET" : m.methods().get(0);
        return path + " " + method;
    }

    private static List<String> allowedPrefixes(EgressRoute r) {
        return r.matches().stream().flatMap(m -> m.paths().stream()).filter(p -> p.type() == PathMatch.Type.PREFIX)
                .map(PathMatch::value).toList();
    }

    /** @return a branch the patterns admit, unique to this run */
    static String allowedBranch(List<String> patterns) {
        String suffix = "escape-test-" + Long.toHexString(System.nanoTime() & 0xffffff);
        if (patterns.isEmpty()) {
            return "bot-bottle/" + suffix;
        }
        return patterns.get(0).replace("**", suffix).replace("*", suffix);
    }

    private static String join(List<Integer> ports) {
        return ports.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }
}
