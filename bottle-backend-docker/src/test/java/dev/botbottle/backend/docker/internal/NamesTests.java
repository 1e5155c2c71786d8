package dev.botbottle.backend.docker.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NamesTests {

    @Test
    void bridgeInterfaceFitsTheLinuxLimitEvenForLongSlugs() {
        String slug = "a-very-long-agent-name-with-a-random-suffix-x7k2q";
        assertThat(Names.bridgeInterface(slug)).hasSizeLessThanOrEqualTo(15).startsWith("bb-");
    }

    @Test
    void namesAreStablePerSlugAndDifferBetweenSlugs() {
        assertThat(Names.bridgeInterface("dev-abc")).isEqualTo(Names.bridgeInterface("dev-abc"))
                .isNotEqualTo(Names.bridgeInterface("dev-abd"));
        assertThat(Names.chain("dev-abc")).isNotEqualTo(Names.chain("dev-abd"));
    }

    @Test
    void containerAndNetworkAreNamedAfterTheSlug() {
        assertThat(Names.container("dev-abc")).isEqualTo("bb-dev-abc");
        assertThat(Names.network("dev-abc")).isEqualTo("bb-dev-abc");
    }

    @Test
    void chainFitsTheIptablesLimit() {
        assertThat(Names.chain("x".repeat(200))).hasSizeLessThanOrEqualTo(28).startsWith("BB-");
    }
}
