package dev.botbottle.gateway.internal;

import dev.botbottle.gateway.GatewayConfig;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.Credential;
import dev.botbottle.spi.CredentialException;
import dev.botbottle.spi.DlpPolicy;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.GitPushPolicy;
import dev.botbottle.spi.GitRemote;
import dev.botbottle.spi.PathMatch;
import dev.botbottle.spi.ProposedChange;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.RouteAuth;
import dev.botbottle.spi.RouteMatch;
import dev.botbottle.spi.Secret;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WireTests {

    @Test
    void aStartMessageSurvivesTheWireWithRoutesRemotesAndCredentials() {
        EgressRoute route = new EgressRoute("api.example.test", Optional.of(new RouteAuth("Bearer", "GH_TOKEN")),
                List.of(new RouteMatch(List.of(new PathMatch(PathMatch.Type.PREFIX, "/v1/")), List.of("GET"))),
                false, List.of(), DlpPolicy.DEFAULT).toBuilder().ports(List.of(443, 8443)).allowPrivate(true).build();
        GitRemote remote = GitRemote.builder("origin", "ssh://git@git.example.test/team/repo.git")
                .identity(Path.of("/keys/id_ed25519")).hostKey("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI")
                .push(GitPushPolicy.DEFAULTS.withAllowedBranches(List.of("agent/*"))).build();
        GatewayConfig config = new GatewayConfig("b1", List.of("egress", "gitgate"), "172.18.0.1",
                Map.of("egress", 41000), Path.of("/state/b1"), Path.of("/state/b1/gateway/control.sock"),
                List.of(route), List.of(remote), List.of(Path.of("/ca.pem")), Map.of("*", "127.0.0.1:8443"),
                Optional.empty(), Optional.empty(), GatewayConfig.CREDENTIALS_FROM_STDIN);
        GatewayConfig.Start start = new GatewayConfig.Start(config, Map.of("GH_TOKEN", "real-value"), "tok");

        GatewayConfig.Start back = Wire.read(Wire.parse(Wire.line(start)), GatewayConfig.Start.class);

        assertThat(back).isEqualTo(start);
        assertThat(back.config().routes().get(0).auth()).contains(new RouteAuth("Bearer", "GH_TOKEN"));
        assertThat(back.config().remotes().get(0).identity()).contains(Path.of("/keys/id_ed25519"));
    }

    @Test
    void aStartMessagePrintsNoCredential() {
        GatewayConfig.Start start = new GatewayConfig.Start(config(Map.of()), Map.of("GH_TOKEN", "real-value"), "tok");
        assertThat(start.toString()).doesNotContain("real-value").doesNotContain("tok").contains("1 credentials");
    }

    @Test
    void stepsAndChangesKeepTheirKind() {
        ProvisionStep[] steps = {new ProvisionStep.SetEnv("HTTPS_PROXY", "http://u:p@h:1"),
                new ProvisionStep.TrustCertificate("ca", "-----BEGIN CERTIFICATE-----"),
                new ProvisionStep.RunCommand(List.of("true"), FileOwner.ROOT, false, "nothing")};
        ProvisionStep[] back = Wire.read(Wire.tree(steps, ProvisionStep[].class), ProvisionStep[].class);
        assertThat(back).containsExactly(steps);

        ProposedChange change = new ProposedChange.Route(EgressRoute.allow("wanted.example.test"));
        assertThat(Wire.read(Wire.tree(change, ProposedChange.class), ProposedChange.class)).isEqualTo(change);
        ProposedChange question = new ProposedChange.Question("may I?");
        assertThat(Wire.read(Wire.tree(question, ProposedChange.class), ProposedChange.class)).isEqualTo(question);
    }

    @Test
    void aCredentialCrossesWithItsExpiry() {
        Credential credential = Credential.until(Secret.of("v1"), Instant.parse("2026-12-01T18:00:00Z"));
        Credential back = Wire.read(Wire.MAPPER.valueToTree(credential), Credential.class);
        assertThat(back.value().reveal()).isEqualTo("v1");
        assertThat(back.expiresAt()).contains(Instant.parse("2026-12-01T18:00:00Z"));
    }

    @Test
    void anErrorAnswerIsThrownAgainAsItsKind() {
        assertThatThrownBy(() -> Wire.checked(Wire.error(new CredentialException("no GH_TOKEN")), "start"))
                .isInstanceOf(CredentialException.class).hasMessage("no GH_TOKEN");
        assertThatThrownBy(() -> Wire.checked(Wire.error(new IllegalArgumentException("bad route")), "replace"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("bad route");
        assertThatThrownBy(() -> Wire.checked(Wire.error(new BottleException("port taken")), "start"))
                .isInstanceOf(BottleException.class).hasMessageContaining("start failed in the gateway program")
                .hasMessageContaining("port taken");
    }

    @Test
    void aLineThatIsNotJsonIsAClearError() {
        assertThatThrownBy(() -> Wire.parse("{not json")).isInstanceOf(BottleException.class)
                .hasMessageContaining("not JSON");
    }

    @Test
    void theConfigurationRefusesAnUpstreamAddressWithoutAPortAndAnotherCredentialChannel() {
        assertThatThrownBy(() -> config(Map.of("*", "127.0.0.1"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'127.0.0.1' is not ip:port");
        assertThatThrownBy(() -> new GatewayConfig("b1", List.of("egress"), "127.0.0.1", Map.of(), Path.of("/s"),
                Path.of("/s/c.sock"), List.of(), List.of(), List.of(), Map.of(), Optional.empty(), Optional.empty(),
                "environment")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'stdin' only");
    }

    private static GatewayConfig config(Map<String, String> upstreams) {
        return new GatewayConfig("b1", List.of("egress"), "127.0.0.1", Map.of(), Path.of("/s"), Path.of("/s/c.sock"),
                List.of(), List.of(), List.of(), upstreams, Optional.empty(), Optional.empty(),
                GatewayConfig.CREDENTIALS_FROM_STDIN);
    }
}
