package dev.botbottle.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GitRemote;
import dev.botbottle.spi.RouteAuth;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The model built in code, without manifest files. */
class ModelTests {

    @Test
    void aManifestCanBeBuiltInCode() {
        BottleDef bottle = BottleDef.builder("ci")
                .env("TZ", new EnvValue.Literal("UTC"))
                .env("TOKEN", new EnvValue.HostVariable("CI_TOKEN"))
                .image("bot-bottle/base:bookworm")
                .agentProvider(AgentProviderConfig.of("claude", Map.of("auth_token", "CLAUDE_TOKEN")))
                .gitUser(GitUser.of("CI", "ci@example.com"))
                .addRemote(new GitRemote("origin", "git@h.example:o/r.git", Optional.of(Path.of("/k")),
                        Optional.empty(), BottleValidationTests.KEY))
                .addRoute(EgressRoute.withAuth("api.example.com", new RouteAuth("Bearer", "API_TOKEN")))
                .addSkill("code-review")
                .supervise(false)
                .build();
        AgentDef agent = AgentDef.of("builder", "ci", "Build it.");

        Manifest m = Manifest.of(List.of(bottle), List.of(agent));
        ResolvedBottle r = m.bottleFor(agent);

        assertThat(r.bottle()).isEqualTo(bottle);
        assertThat(r.identity().render()).isEqualTo("CI (bottle) <ci@example.com> (bottle)");
        assertThat(bottle.imageFor("docker")).contains("bot-bottle/base:bookworm");
        assertThat(bottle.supervise()).isFalse();
    }

    @Test
    void theModelKeepsItsInvariants() {
        assertThatThrownBy(() -> BottleDef.builder("Bad Name").build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BottleDef.builder("b").addRoute(EgressRoute.allow("a.example.com"))
                .addRoute(EgressRoute.allow("A.example.com")).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AgentDef.of("Bad", "b", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Manifest(Map.of("x", BottleDef.builder("y").build()), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Manifest.of(List.of(BottleDef.builder("y").build(), BottleDef.builder("y").build()),
                List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GitIdentity(Optional.of("a"), GitIdentity.Source.NONE, Optional.empty(),
                GitIdentity.Source.NONE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void collectionsInTheModelAreImmutable() {
        BottleDef b = BottleDef.builder("b").env("A", new EnvValue.Literal("x")).build();

        assertThatThrownBy(() -> b.env().put("B", new EnvValue.Literal("y")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> b.routes().add(EgressRoute.allow("x"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> Manifest.EMPTY.bottles().put("b", b)).isInstanceOf(UnsupportedOperationException.class);
    }
}
