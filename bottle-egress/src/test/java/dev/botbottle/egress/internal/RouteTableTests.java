package dev.botbottle.egress.internal;

import dev.botbottle.spi.DlpPolicy;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.PathMatch;
import dev.botbottle.spi.RouteAuth;
import dev.botbottle.spi.RouteMatch;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouteTableTests {

    private static EgressRoute matching(String host, RouteMatch... matches) {
        return new EgressRoute(host, Optional.empty(), List.of(matches), false, List.of(), DlpPolicy.DEFAULT);
    }

    @Test
    void allowsExactHostAndDeniesOthers() {
        RouteTable t = new RouteTable(List.of(EgressRoute.allow("api.github.com")));
        assertThat(t.checkConnect("api.github.com", 443, true).allowed()).isTrue();
        assertThat(t.checkConnect("API.GitHub.com.", 443, true).allowed()).isTrue();
        RouteTable.Decision d = t.checkConnect("evil.example", 443, true);
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).contains("evil.example").contains("no egress route");
    }

    @Test
    void wildcardMatchesSubdomainsButNotTheApex() {
        RouteTable t = new RouteTable(List.of(EgressRoute.allow("*.example.com")));
        assertThat(t.checkConnect("a.example.com", 443, true).allowed()).isTrue();
        assertThat(t.checkConnect("a.b.example.com", 443, true).allowed()).isTrue();
        assertThat(t.checkConnect("example.com", 443, true).allowed()).isFalse();
        assertThat(t.checkConnect("badexample.com", 443, true).allowed()).isFalse();
    }

    @Test
    void refusesIpLiterals() {
        RouteTable t = new RouteTable(List.of(EgressRoute.allow("*.example.com")));
        assertThat(t.checkConnect("93.184.216.34", 443, true).reason()).contains("IP literal");
        assertThat(t.checkConnect("[::1]", 443, true).allowed()).isFalse();
    }

    @Test
    void enforcesPortsWithDefault443ForTunnelsAnd80ForPlainHttp() {
        RouteTable t = new RouteTable(List.of(EgressRoute.allow("a.example.com"),
                new EgressRoute("b.example.com", Optional.empty(), List.of(), false, List.of(8443), DlpPolicy.DEFAULT)));
        assertThat(t.checkConnect("a.example.com", 22, true).allowed()).isFalse();
        assertThat(t.checkConnect("a.example.com", 22, true).reason()).contains("port 22");
        assertThat(t.checkConnect("a.example.com", 80, false).allowed()).isTrue();
        assertThat(t.checkConnect("b.example.com", 443, true).allowed()).isFalse();
        assertThat(t.checkConnect("b.example.com", 8443, true).allowed()).isTrue();
    }

    @Test
    void refusesPlainHttpOnRoutesWithCredentials() {
        RouteTable t = new RouteTable(List.of(EgressRoute.withAuth("api.example.com", new RouteAuth("Bearer", "T"))));
        RouteTable.Decision d = t.checkConnect("api.example.com", 80, false);
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).contains("https://");
    }

    @Test
    void enforcesPathAndMethodMatches() {
        RouteTable t = new RouteTable(List.of(matching("api.example.com",
                new RouteMatch(List.of(new PathMatch(PathMatch.Type.PREFIX, "/repos/")), List.of("get")),
                new RouteMatch(List.of(new PathMatch(PathMatch.Type.REGEX, "/v1/[a-z]+")), List.of()))));
        assertThat(t.checkRequest("api.example.com", "GET", "/repos/x").allowed()).isTrue();
        assertThat(t.checkRequest("api.example.com", "POST", "/repos/x").allowed()).isFalse();
        assertThat(t.checkRequest("api.example.com", "POST", "/v1/messages").allowed()).isTrue();
        assertThat(t.checkRequest("api.example.com", "POST", "/v1/messages/1").allowed()).isFalse();
        assertThat(t.checkRequest("api.example.com", "GET", "/admin").reason()).contains("GET /admin");
    }

    @Test
    void refusesDotSegmentsWhereMatchesApply() {
        RouteTable t = new RouteTable(List.of(matching("api.example.com",
                new RouteMatch(List.of(new PathMatch(PathMatch.Type.PREFIX, "/repos/")), List.of()))));
        assertThat(t.checkRequest("api.example.com", "GET", "/repos/../admin").allowed()).isFalse();
        assertThat(t.checkRequest("api.example.com", "GET", "/repos/%2e%2e/admin").allowed()).isFalse();
    }

    @Test
    void denyWinsAcrossOverlappingRoutes() {
        RouteTable t = new RouteTable(List.of(EgressRoute.allow("*.example.com"),
                matching("api.example.com", new RouteMatch(List.of(), List.of("GET")))));
        assertThat(t.checkRequest("api.example.com", "POST", "/").allowed()).isFalse();
        assertThat(t.checkRequest("www.example.com", "POST", "/").allowed()).isTrue();
        assertThat(t.checkRequest("api.example.com", "GET", "/").route().orElseThrow().host())
                .isEqualTo("api.example.com");
    }

    @Test
    void passesThroughOnlyWhenEveryMatchingRouteSaysSo() {
        EgressRoute pass = new EgressRoute("*.example.com", Optional.empty(), List.of(), true, List.of(),
                DlpPolicy.DEFAULT);
        RouteTable t = new RouteTable(List.of(pass, EgressRoute.allow("api.example.com")));
        assertThat(t.checkConnect("www.example.com", 443, true).mode()).isEqualTo(RouteTable.Mode.PASSTHROUGH);
        assertThat(t.checkConnect("api.example.com", 443, true).mode()).isEqualTo(RouteTable.Mode.INTERCEPT);
    }

    @Test
    void rejectsMalformedHostPatterns() {
        assertThatThrownBy(() -> new RouteTable(List.of(EgressRoute.allow("a.*.com"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a.*.com");
    }
}
