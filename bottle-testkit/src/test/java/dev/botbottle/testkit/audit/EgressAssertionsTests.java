package dev.botbottle.testkit.audit;

import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.RouteAuth;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EgressAssertionsTests {

    static EgressAuditEntry entry(String method, String host, String route, EgressAuditEntry.Verdict v, int status) {
        return new EgressAuditEntry(Instant.EPOCH, method, host, "/", route, v, "because", status, 0, 0);
    }

    static final List<EgressRoute> ROUTES = List.of(EgressRoute.withAuth("api.example.com",
            new RouteAuth("Bearer", "API_TOKEN")), EgressRoute.allow("registry.npmjs.org"));

    static final List<EgressAuditEntry> AUDIT = List.of(
            entry("CONNECT", "api.example.com", "api.example.com", EgressAuditEntry.Verdict.ALLOW, 0),
            entry("GET", "api.example.com", "api.example.com", EgressAuditEntry.Verdict.ALLOW, 200),
            entry("CONNECT", "registry.npmjs.org", "registry.npmjs.org", EgressAuditEntry.Verdict.ALLOW, 0),
            entry("CONNECT", "evil.example.net", "", EgressAuditEntry.Verdict.DENY, 403));

    @Test
    void passWhenTheAuditSaysSo() {
        EgressAssertions.assertThat("demo-1", AUDIT, ROUTES).denied("evil.example.net").allowed("api.example.com")
                .neverAllowed("evil.example.net").gotTheCredential("api.example.com")
                .decided("api.example.com", EgressAuditEntry.Verdict.ALLOW, 2);
    }

    @Test
    void failWithTheAuditSummary() {
        var a = EgressAssertions.assertThat("demo-1", AUDIT, ROUTES);
        assertThatThrownBy(() -> a.denied("api.example.com")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("to be denied").hasMessageContaining("DENY CONNECT evil.example.net/")
                .hasMessageContaining("4 decision(s)");
        assertThatThrownBy(() -> a.neverAllowed("registry.npmjs.org")).hasMessageContaining("1 request(s) were");
        assertThatThrownBy(() -> a.allowed("Evil.Example.Net")).hasMessageContaining("to be allowed");
    }

    @Test
    void aTunnelAloneIsNotACredentialInjectedAndARouteWithoutAuthHasNone() {
        var tunnelOnly = EgressAssertions.assertThat("demo-1", List.of(AUDIT.get(0)), ROUTES);
        assertThatThrownBy(() -> tunnelOnly.gotTheCredential("api.example.com"))
                .hasMessageContaining("none was forwarded").hasMessageContaining("API_TOKEN");
        var a = EgressAssertions.assertThat("demo-1", AUDIT, ROUTES);
        assertThatThrownBy(() -> a.gotTheCredential("registry.npmjs.org")).hasMessageContaining("carries no credential");
        assertThatThrownBy(() -> a.gotTheCredential("nowhere.example")).hasMessageContaining("is not one of");
    }

    @Test
    void anEmptyAuditIsSaidSo() {
        assertThatThrownBy(() -> EgressAssertions.assertThat("demo-1", List.of(), ROUTES).allowed("x.example"))
                .hasMessageEndingWith("holds no decision");
        assertThat(EgressAssertions.assertThat("demo-1", List.of(), ROUTES).entries()).isEmpty();
    }
}
