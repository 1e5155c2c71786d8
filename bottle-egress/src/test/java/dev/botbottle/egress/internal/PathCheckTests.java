package dev.botbottle.egress.internal;

import dev.botbottle.spi.PathMatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class PathCheckTests {

    @ParameterizedTest
    @ValueSource(strings = {"/a/../b", "/a/%2e%2e/b", "/a/%2E./b", "/a/%252e%252e/b", "/a/..;/b", "/a/.;x/b",
            "/a%2fb", "/a%2F..%2Fb", "/a%252fb", "/a\\b", "/a%5cb", "/a/."})
    void refusesWhatAPrefixCannotJudge(String path) {
        assertThat(PathCheck.ambiguity(path)).as(path).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/repos/acme/widgets", "/a/..b/c", "/v1/messages", "/caf%C3%A9", "/a/.well-known/x"})
    void acceptsOrdinaryPaths(String path) {
        assertThat(PathCheck.ambiguity(path)).as(path).isEmpty();
    }

    @Test
    void aPrefixEndsAtASegmentBoundary() {
        PathMatch p = new PathMatch(PathMatch.Type.PREFIX, "/repos/acme");
        assertThat(p.matches("/repos/acme")).isTrue();
        assertThat(p.matches("/repos/acme/widgets")).isTrue();
        assertThat(p.matches("/repos/acme-evil")).isFalse();
        assertThat(p.matches("/repos/acmewidgets")).isFalse();
        assertThat(new PathMatch(PathMatch.Type.PREFIX, "/repos/acme/").matches("/repos/acme/x")).isTrue();
        assertThat(new PathMatch(PathMatch.Type.PREFIX, "/repos/acme/").matches("/repos/acme")).isFalse();
    }
}
