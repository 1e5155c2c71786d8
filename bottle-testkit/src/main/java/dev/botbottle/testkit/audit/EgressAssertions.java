package dev.botbottle.testkit.audit;

import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.EgressRoute;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Assertions on a bottle's egress audit log: what its gateway allowed and denied, and which requests got a route's
 * credential. Each fails with the bottle's audit summary in the message.
 *
 * <pre>{@code
 * bottle.exec("curl", "-s", "https://api.example.com/v1/ping");
 * bottle.exec("curl", "-s", "https://evil.example.net/");
 * EgressAssertions.assertThat(bottle)
 *         .denied("evil.example.net")
 *         .gotTheCredential("api.example.com");
 * }</pre>
 *
 * @since 0.2
 */
public final class EgressAssertions {

    private final String slug;
    private final List<EgressAuditEntry> audit;
    private final List<EgressRoute> routes;

    private EgressAssertions(String slug, List<EgressAuditEntry> audit, List<EgressRoute> routes) {
        this.slug = slug;
        this.audit = List.copyOf(audit);
        this.routes = List.copyOf(routes);
    }

    /**
     * @param bottle a bottle whose egress gateway this process runs
     * @return assertions on its audit log as it is now
     * @throws AssertionError when this process does not run the bottle's gateway
     */
    public static EgressAssertions assertThat(RunningBottle bottle) {
        Optional<EgressControl> egress = bottle.egress();
        if (egress.isEmpty()) {
            throw new AssertionError("bottle " + bottle.slug() + " has no egress gateway in this process (it"
                    + " was attached from elsewhere, or the egress gateway is not on the class path)");
        }
        return new EgressAssertions(bottle.slug(), egress.get().readAudit(), egress.get().routes());
    }

    /**
     * @param slug the bottle, for messages
     * @param audit its audit entries
     * @param routes its routes in force (to tell which carry a credential)
     * @return assertions on those entries
     */
    public static EgressAssertions assertThat(String slug, List<EgressAuditEntry> audit, List<EgressRoute> routes) {
        return new EgressAssertions(Objects.requireNonNull(slug), audit, routes);
    }

    /** @return the entries these assertions look at, oldest first */
    public List<EgressAuditEntry> entries() {
        return audit;
    }

    /** @param host a host @return this, when at least one request or tunnel to {@code host} was denied */
    public EgressAssertions denied(String host) {
        return expect(host, EgressAuditEntry.Verdict.DENY, "denied");
    }

    /** @param host a host @return this, when at least one request or tunnel to {@code host} was allowed */
    public EgressAssertions allowed(String host) {
        return expect(host, EgressAuditEntry.Verdict.ALLOW, "allowed");
    }

    /** @param host a host @return this, when nothing to {@code host} was ever allowed */
    public EgressAssertions neverAllowed(String host) {
        List<EgressAuditEntry> hits = matching(e -> e.host().equals(norm(host))
                && e.verdict() == EgressAuditEntry.Verdict.ALLOW);
        if (!hits.isEmpty()) {
            throw fail("expected nothing to " + host + " to be allowed, but " + hits.size() + " request(s) were");
        }
        return this;
    }

    /**
     * @param routeHost the host pattern of a route with {@code auth}
     * @return this, when at least one request decided by that route was allowed and forwarded (the gateway injects
     *         the route's credential into every such request, replacing what the agent sent)
     */
    public EgressAssertions gotTheCredential(String routeHost) {
        Optional<EgressRoute> route = routes.stream().filter(r -> r.host().equalsIgnoreCase(routeHost)).findFirst();
        if (route.isEmpty() || route.get().auth().isEmpty()) {
            throw fail("route " + routeHost + " " + (route.isEmpty() ? "is not one of the bottle's routes"
                    : "carries no credential (no auth)"));
        }
        List<EgressAuditEntry> hits = matching(e -> e.route().equalsIgnoreCase(routeHost)
                && e.verdict() == EgressAuditEntry.Verdict.ALLOW && !e.method().equals("CONNECT") && e.status() != 0);
        if (hits.isEmpty()) {
            throw fail("expected a request through route " + routeHost + " to get its credential ("
                    + route.get().auth().get().tokenRef() + "), but none was forwarded");
        }
        return this;
    }

    /** @param host a host @param verdict the verdict @param count how many @return this when exactly that many */
    public EgressAssertions decided(String host, EgressAuditEntry.Verdict verdict, int count) {
        List<EgressAuditEntry> hits = matching(e -> e.host().equals(norm(host)) && e.verdict() == verdict);
        if (hits.size() != count) {
            throw fail("expected " + count + " " + verdict + " decision(s) for " + host + ", found " + hits.size());
        }
        return this;
    }

    private EgressAssertions expect(String host, EgressAuditEntry.Verdict verdict, String word) {
        if (matching(e -> e.host().equals(norm(host)) && e.verdict() == verdict).isEmpty()) {
            throw fail("expected a request to " + host + " to be " + word + ", but none was");
        }
        return this;
    }

    private List<EgressAuditEntry> matching(Predicate<EgressAuditEntry> p) {
        return audit.stream().filter(p).toList();
    }

    private static String norm(String host) {
        return host.toLowerCase(Locale.ROOT);
    }

    private AssertionError fail(String message) {
        return new AssertionError(message + "; the egress audit of bottle " + slug + " holds "
                + (audit.isEmpty() ? "no decision" : audit.size() + " decision(s):\n" + summary()));
    }

    /** @return one line per decision: verdict, method, host, path, route, status, reason */
    public String summary() {
        return audit.stream().map(e -> "  " + e.verdict() + " " + e.method() + " " + e.host() + e.path()
                + (e.route().isEmpty() ? "" : " [route " + e.route() + "]") + " " + e.status() + " " + e.reason())
                .collect(Collectors.joining("\n"));
    }
}
