package dev.botbottle.egress;

import dev.botbottle.egress.testing.LoopbackUpstream;
import dev.botbottle.egress.testing.TestPki;
import dev.botbottle.spi.Credential;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.RouteAuth;
import dev.botbottle.spi.Secret;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A running gateway takes a rotated credential without a restart: when the upstream refuses the value it injected
 * (HTTP 401), it asks the host's credential source again, and the agent's retry carries the new value.
 */
class CredentialRotationIT {

    static {
        // the JDK client sends Basic proxy credentials on CONNECT only when this does not disable them
        System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
    }


    static final String API = "api.example.test";
    static final String OLD = "old-token-1b2c3d4e5f";
    static final String NEW = "new-token-9a8b7c6d5e";

    static TestPki pki;
    static LoopbackUpstream upstream;
    static Path caFile;

    @TempDir
    Path state;
    @TempDir
    static Path shared;

    private final List<AutoCloseable> open = new ArrayList<>();

    /** The host's secret store, as a callback: it knows one current value and records every question. */
    static final class Vault implements CredentialSource {
        final AtomicReference<String> current = new AtomicReference<>(OLD);
        final List<String> asked = new CopyOnWriteArrayList<>();
        final List<String> invalidated = new CopyOnWriteArrayList<>();

        @Override
        public Optional<Secret> resolve(String reference) {
            return credential(reference).map(Credential::value);
        }

        @Override
        public Optional<Credential> credential(String reference) {
            asked.add(reference);
            return reference.equals("API_TOKEN") ? Optional.of(Credential.of(Secret.of(current.get())))
                    : Optional.empty();
        }

        @Override
        public void invalidate(String reference) {
            invalidated.add(reference);
        }
    }

    @BeforeAll
    static void upstream() {
        pki = TestPki.create("rotation-test-upstream-ca");
        upstream = LoopbackUpstream.start(pki, List.of(API), 2);
        caFile = pki.writeCa(shared);
    }

    @AfterAll
    static void stopUpstream() {
        upstream.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        upstream.drain();
    }

    EgressGateway start(CredentialSource source) {
        EgressOptions options = EgressOptions.defaults().withDnsPort(-1)
                .withResolver((host, port) -> new InetSocketAddress("127.0.0.1", upstream.port()));
        EgressGateway g = new EgressGatewayProvider(options).start(GatewayRequest.builder("rot-abc12").stateDir(state)
                // the upstream is on loopback: the SSRF floor lets it through only when the route says so
                .routes(List.of(EgressRoute.withAuth(API, new RouteAuth("Bearer", "API_TOKEN")).toBuilder()
                        .allowPrivate(true).build()))
                .credentials(source).extraCaFiles(List.of(caFile)).build());
        open.add(g);
        return g;
    }

    static HttpResponse<String> get(EgressGateway g, String path) throws Exception {
        SSLContext trust = TestPki.clientTrusting(g.caCertificatePem());
        // the bottle's proxy secret, sent as Basic proxy credentials (as the bottle's clients send it)
        String user = new String(java.util.Base64.getDecoder().decode(g.proxyAuthorization().substring(6)));
        java.net.Authenticator auth = new java.net.Authenticator() {
            @Override
            protected java.net.PasswordAuthentication getPasswordAuthentication() {
                return getRequestorType() == RequestorType.PROXY ? new java.net.PasswordAuthentication(
                        user.substring(0, user.indexOf(':')), user.substring(user.indexOf(':') + 1).toCharArray())
                        : null;
            }
        };
        HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trust)
                .authenticator(auth).proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", g.port()))).build();
        return c.send(HttpRequest.newBuilder(URI.create("https://" + API + path))
                .header("Authorization", "Bearer placeholder").build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theValueInForceIsInjectedAndAskedForOnceWhileTheUpstreamAcceptsIt() throws Exception {
        Vault vault = new Vault();
        EgressGateway g = start(vault);
        upstream.acceptBearer(OLD);
        assertThat(get(g, "/require-bearer").statusCode()).isEqualTo(200);
        assertThat(get(g, "/require-bearer").statusCode()).isEqualTo(200);
        assertThat(upstream.take().headers()).containsEntry("authorization", "Bearer " + OLD);
        assertThat(vault.asked).containsExactly("API_TOKEN");
        assertThat(vault.invalidated).isEmpty();
    }

    @Test
    void aRefusedCredentialIsAskedForAgainAndTheRetryCarriesTheRotatedValue() throws Exception {
        Vault vault = new Vault();
        EgressGateway g = start(vault);
        vault.current.set(NEW); // rotated in the host's store and upstream; the gateway still holds the old value
        upstream.acceptBearer(NEW);

        HttpResponse<String> refused = get(g, "/require-bearer");
        assertThat(refused.statusCode()).isEqualTo(401); // the agent sees the upstream's answer...
        assertThat(vault.invalidated).containsExactly("API_TOKEN"); // ...only after the source was asked again
        assertThat(vault.asked).containsExactly("API_TOKEN", "API_TOKEN");

        HttpResponse<String> retried = get(g, "/require-bearer");
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(upstream.drain()).extracting(r -> r.headers().get("authorization"))
                .containsExactly("Bearer " + OLD, "Bearer " + NEW);
        assertThat(Files.readString(g.auditFile())).doesNotContain(OLD).doesNotContain(NEW);
    }

    @Test
    void aSourceWithNothingNewKeepsTheOldValueAndTheRefusalReachesTheAgent() throws Exception {
        Vault vault = new Vault();
        EgressGateway g = start(vault);
        upstream.acceptBearer("never-issued");
        HttpResponse<String> refused = get(g, "/require-bearer");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).isEqualTo("token refused");
        assertThat(vault.asked).containsExactly("API_TOKEN", "API_TOKEN");
        upstream.acceptBearer(OLD);
        assertThat(get(g, "/require-bearer").statusCode()).isEqualTo(200);
        assertThat(upstream.drain()).extracting(r -> r.headers().get("authorization")).containsOnly("Bearer " + OLD);
    }
}
