package dev.botbottle.core.supervise;

import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.RouteMatch;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Adds a granted route to a bottle's routes so that access only grows. The egress gateway lets a request through
 * only when every route matching its host admits it (deny wins), so a second route for a host could narrow it:
 * a granted route is therefore merged into the route with the same host pattern (union of matches and ports; the
 * existing route's credential, passthrough and DLP stay), added when no route covers its hosts, and refused when it
 * overlaps a route of another pattern ({@code *.example.com} and {@code api.example.com}).
 */
final class RouteWidening {

    private RouteWidening() {
    }

    /**
     * @param current the bottle's routes now
     * @param granted the route to grant (no credential)
     * @return the new routes, in the same order, the granted route last when new
     * @throws IllegalArgumentException when granting it could narrow another route, or it carries a credential
     */
    static List<EgressRoute> widen(List<EgressRoute> current, EgressRoute granted) {
        if (granted.auth().isPresent()) {
            throw new IllegalArgumentException("a granted route cannot carry a credential; declare credentials in the manifest");
        }
        String pattern = granted.host().toLowerCase(Locale.ROOT);
        List<EgressRoute> out = new ArrayList<>();
        boolean merged = false;
        for (EgressRoute r : current) {
            String other = r.host().toLowerCase(Locale.ROOT);
            if (other.equals(pattern)) {
                out.add(merge(r, granted));
                merged = true;
            } else if (overlaps(pattern, other)) {
                throw new IllegalArgumentException("a route for " + granted.host() + " would overlap the route for "
                        + r.host() + ", and overlapping routes narrow each other; ask for " + r.host()
                        + " itself instead");
            } else {
                out.add(r);
            }
        }
        if (!merged) {
            out.add(granted);
        }
        return List.copyOf(out);
    }

    /** @return a route admitting everything {@code existing} or {@code granted} admits, with {@code existing}'s credential and policy */
    static EgressRoute merge(EgressRoute existing, EgressRoute granted) {
        List<RouteMatch> matches;
        if (existing.matches().isEmpty() || granted.matches().isEmpty()) {
            matches = List.of();
        } else {
            Set<RouteMatch> union = new LinkedHashSet<>(existing.matches());
            union.addAll(granted.matches());
            matches = List.copyOf(union);
        }
        List<Integer> ports;
        if (existing.ports().isEmpty() && granted.ports().isEmpty()) {
            ports = List.of();
        } else {
            // an empty list means 443 for TLS and 80 for plain HTTP: keep both when making the list explicit
            Set<Integer> union = new LinkedHashSet<>(existing.ports().isEmpty() ? List.of(443, 80) : existing.ports());
            union.addAll(granted.ports().isEmpty() ? List.of(443, 80) : granted.ports());
            ports = List.copyOf(union);
        }
        return existing.toBuilder().matches(matches).ports(ports).build();
    }

    private static boolean overlaps(String a, String b) {
        return covers(a, b) || covers(b, a);
    }

    /** @return whether pattern {@code a} matches a host that pattern or host {@code b} also matches */
    private static boolean covers(String a, String b) {
        if (!a.startsWith("*.")) {
            return false;
        }
        String suffix = a.substring(1);
        String bHost = b.startsWith("*.") ? b.substring(2) : b;
        return bHost.endsWith(suffix) && bHost.length() > suffix.length();
    }
}
