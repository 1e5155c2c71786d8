package dev.botbottle.core.supervise;

import dev.botbottle.spi.DlpPolicy;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.PathMatch;
import dev.botbottle.spi.RouteAuth;
import dev.botbottle.spi.RouteMatch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouteWideningTests {
    static final RouteMatch GET_V1 = new RouteMatch(List.of(new PathMatch(PathMatch.Type.PREFIX, "/v1/")), List.of("GET"));
    static final RouteMatch POST_V2 = new RouteMatch(List.of(new PathMatch(PathMatch.Type.PREFIX, "/v2/")), List.of("POST"));
    static final EgressRoute API = EgressRoute.builder("api.example.com").auth(new RouteAuth("Bearer", "T"))
            .matches(List.of(GET_V1)).dlp(new DlpPolicy(DlpPolicy.Action.REDACT, true)).build();

    @Test
    void aNewHostIsAddedLast() {
        assertThat(RouteWidening.widen(List.of(API), EgressRoute.allow("pypi.org")))
                .extracting(EgressRoute::host).containsExactly("api.example.com", "pypi.org");
    }

    @Test
    void theSameHostIsMergedKeepingItsCredentialAndPolicy() {
        List<EgressRoute> out = RouteWidening.widen(List.of(API),
                EgressRoute.builder("api.example.com").matches(List.of(POST_V2)).build());
        assertThat(out).singleElement().satisfies(r -> {
            assertThat(r.matches()).containsExactly(GET_V1, POST_V2);
            assertThat(r.auth()).isEqualTo(API.auth());
            assertThat(r.dlp()).isEqualTo(API.dlp());
        });
    }

    @Test
    void everyRequestOnEitherSideMeansEveryRequestAfter() {
        assertThat(RouteWidening.widen(List.of(API), EgressRoute.allow("api.example.com")))
                .singleElement().satisfies(r -> assertThat(r.matches()).isEmpty());
    }

    @Test
    void portsStayAllowedWhenTheListBecomesExplicit() {
        EgressRoute merged = RouteWidening.merge(EgressRoute.allow("h.example.com"),
                EgressRoute.builder("h.example.com").ports(List.of(8443)).build());
        assertThat(merged.ports()).containsExactlyInAnyOrder(443, 80, 8443);
        assertThat(RouteWidening.merge(EgressRoute.allow("h.example.com"), EgressRoute.allow("h.example.com")).ports())
                .isEmpty();
    }

    @Test
    void overlappingPatternsAreRefusedBecauseTheyWouldNarrowEachOther() {
        assertThatThrownBy(() -> RouteWidening.widen(List.of(API), EgressRoute.allow("*.example.com")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("api.example.com");
        assertThatThrownBy(() -> RouteWidening.widen(List.of(EgressRoute.allow("*.example.com")),
                EgressRoute.allow("api.example.com"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RouteWidening.widen(List.of(EgressRoute.allow("*.example.com")),
                EgressRoute.allow("*.a.example.com"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(RouteWidening.widen(List.of(EgressRoute.allow("*.example.com")), EgressRoute.allow("example.com")))
                .as("*.example.com does not match example.com itself").hasSize(2);
        assertThat(RouteWidening.widen(List.of(EgressRoute.allow("*.example.com")), EgressRoute.allow("badexample.com")))
                .hasSize(2);
    }

    @Test
    void aGrantedRouteCannotCarryACredential() {
        assertThatThrownBy(() -> RouteWidening.widen(List.of(), API)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("credential");
    }
}
