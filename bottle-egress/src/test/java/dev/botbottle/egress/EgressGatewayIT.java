package dev.botbottle.egress;

import dev.botbottle.egress.testing.LoopbackUpstream;
import dev.botbottle.egress.testing.ProxyClient;
import dev.botbottle.egress.testing.TestPki;
import dev.botbottle.spi.CredentialException;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.DlpPolicy;
import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GatewayServiceProvider;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.PathMatch;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.RouteAuth;
import dev.botbottle.spi.RouteMatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway on loopback against a real HTTPS upstream with its own test CA, trusted through the extra-CA option;
 * a resolver maps every route host to that upstream. Clients: the JDK HttpClient and raw sockets.
 */
class EgressGatewayIT {

    /** @return the options under test ({@link EgressGatewayJdkEnginesIT} turns the native engines off) */
    EgressOptions options() {
        return EgressOptions.defaults();
    }


    static {
        // the JDK client sends Basic proxy credentials on CONNECT only when this does not disable them
        System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
    }

    static final String TOKEN = "real-token-4f9a1c2e8b7d";
    static final String API = "api.example.test";
    static final String OTHER = "other.example.test";
    static final String PASS = "pass.example.test";

    static TestPki pki;
    static LoopbackUpstream upstream;
    static Path caFile;

    @TempDir
    Path state;
    @TempDir
    static Path shared;

    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void upstream() {
        pki = TestPki.create("egress-test-upstream-ca");
        upstream = LoopbackUpstream.start(pki, List.of(API, OTHER, PASS, "wrong.example.test"), 4);
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

    static EgressRoute auth(String host) {
        return EgressRoute.withAuth(host, new RouteAuth("Bearer", "API_TOKEN"));
    }

    static EgressRoute passthrough(String host) {
        return new EgressRoute(host, Optional.empty(), List.of(), true, List.of(), DlpPolicy.DEFAULT);
    }

    static EgressRoute dlp(String host, DlpPolicy.Action action) {
        return new EgressRoute(host, Optional.empty(), List.of(), false, List.of(), new DlpPolicy(action, true));
    }

    EgressGateway start(List<EgressRoute> routes) {
        return start(routes, List.of(caFile), state);
    }

    /** The test upstream is on loopback: these routes are the operator's statement that it is internal. */
    static List<EgressRoute> internal(List<EgressRoute> routes) {
        return routes.stream().map(r -> r.toBuilder().allowPrivate(true).build()).toList();
    }

    EgressGateway start(List<EgressRoute> routes, List<Path> extraCas, Path dir) {
        EgressOptions options = options()
                .withResolver((host, port) -> new InetSocketAddress("127.0.0.1", upstream.port()));
        EgressGateway g = new EgressGatewayProvider(options).start(new GatewayRequest("demo-abc12", "127.0.0.1", 0,
                dir, internal(routes), List.of(), CredentialSource.fromEnvironment(Map.of("API_TOKEN", TOKEN)), extraCas,
                ProgressListener.NONE));
        open.add(g);
        return g;
    }

    HttpClient client(EgressGateway g) {
        SSLContext trust = TestPki.clientTrusting(g.caCertificatePem());
        String user = new String(java.util.Base64.getDecoder().decode(g.proxyAuthorization().substring(6)));
        java.net.Authenticator auth = new java.net.Authenticator() {
            @Override
            protected java.net.PasswordAuthentication getPasswordAuthentication() {
                return getRequestorType() == RequestorType.PROXY ? new java.net.PasswordAuthentication(
                        user.substring(0, user.indexOf(':')), user.substring(user.indexOf(':') + 1).toCharArray())
                        : null;
            }
        };
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trust).authenticator(auth)
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", g.port()))).build();
    }

    /** The gateway's audit without the 407 challenges the JDK client needs before it sends its proxy credential. */
    static List<EgressAuditEntry> audit(EgressGateway g) {
        return g.readAudit().stream().filter(e -> e.status() != 407).toList();
    }

    static HttpResponse<String> get(HttpClient c, String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(HttpClient c, String url, String body) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void isFoundByServiceLoaderAsEgress() {
        assertThat(ServiceLoader.load(GatewayServiceProvider.class).stream().map(p -> p.get().name()))
                .contains("egress");
    }

    @Test
    void allowedRouteReachesUpstreamWithTheRealCredentialInsteadOfThePlaceholder() throws Exception {
        EgressGateway g = start(List.of(auth(API)));
        HttpResponse<String> r = get(client(g), "https://" + API + "/v1/messages?x=1",
                "Authorization", "Bearer placeholder-not-a-secret", "X-Api-Key", "placeholder");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
        LoopbackUpstream.Received got = upstream.take();
        assertThat(got.headers()).containsEntry("authorization", "Bearer " + TOKEN).doesNotContainKey("x-api-key");
        assertThat(got.path()).isEqualTo("/v1/messages?x=1");
        EgressAuditEntry e = audit(g).get(0);
        assertThat(e.verdict()).isEqualTo(EgressAuditEntry.Verdict.ALLOW);
        assertThat(e).extracting(EgressAuditEntry::host, EgressAuditEntry::path, EgressAuditEntry::route,
                EgressAuditEntry::status, EgressAuditEntry::bytesDown).containsExactly(API, "/v1/messages", API, 200, 2L);
        assertThat(Files.readString(g.auditFile())).doesNotContain(TOKEN);
    }

    @Test
    void keepsOneInterceptedConnectionAliveAcrossRequests() throws Exception {
        EgressGateway g = start(List.of(EgressRoute.allow(API)));
        HttpClient c = client(g);
        for (int i = 0; i < 5; i++) {
            assertThat(get(c, "https://" + API + "/n/" + i).statusCode()).isEqualTo(200);
        }
        assertThat(audit(g)).hasSize(5).allMatch(e -> e.status() == 200);
    }

    @Test
    void unknownHostIsRefusedWithAReasonTheAgentCanActOn() throws Exception {
        EgressGateway g = start(List.of(EgressRoute.allow(API)));
        Object r = ProxyClient.connect(g.port(), "evil.example.net:443", g.proxyAuthorization());
        assertThat(r).isInstanceOf(ProxyClient.Response.class);
        ProxyClient.Response resp = (ProxyClient.Response) r;
        assertThat(resp.status()).isEqualTo(403);
        assertThat(resp.body()).contains("evil.example.net").contains("demo-abc12").contains("supervise")
                .contains("matches no egress route");
        assertThat(audit(g)).singleElement().satisfies(e -> {
            assertThat(e.verdict()).isEqualTo(EgressAuditEntry.Verdict.DENY);
            assertThat(e.method()).isEqualTo("CONNECT");
            assertThat(e.host()).isEqualTo("evil.example.net");
            assertThat(e.status()).isEqualTo(403);
        });
    }

    @Test
    void refusesIpLiteralsAndPortsTheRouteDoesNotAllow() throws Exception {
        EgressGateway g = start(List.of(EgressRoute.allow(API)));
        assertThat(((ProxyClient.Response) ProxyClient.connect(g.port(), "127.0.0.1:" + upstream.port(), g.proxyAuthorization())).body())
                .contains("IP literal");
        assertThat(((ProxyClient.Response) ProxyClient.connect(g.port(), "[::1]:443", g.proxyAuthorization())).status()).isEqualTo(403);
        assertThat(((ProxyClient.Response) ProxyClient.connect(g.port(), API + ":22", g.proxyAuthorization())).body()).contains("port 22");
        assertThat(audit(g)).hasSize(3).allMatch(e -> e.verdict() == EgressAuditEntry.Verdict.DENY);
    }

    @Test
    void refusesATlsSniThatDiffersFromTheConnectTarget() throws Exception {
        EgressGateway g = start(List.of(EgressRoute.allow(API), EgressRoute.allow(OTHER)));
        Socket tunnel = (Socket) ProxyClient.connect(g.port(), API + ":443", g.proxyAuthorization());
        SSLContext trust = TestPki.clientTrusting(g.caCertificatePem());
        assertThatThrownBy(() -> ProxyClient.tls(tunnel, trust, OTHER, OTHER)).isInstanceOf(IOException.class);
        tunnel.close();
        assertThat(audit(g)).singleElement().satisfies(e -> {
            assertThat(e.verdict()).isEqualTo(EgressAuditEntry.Verdict.DENY);
            assertThat(e.reason()).contains("SNI " + OTHER).contains("fronting");
        });
        assertThat(upstream.drain()).isEmpty();
    }

    @Test
    void refusesAnInnerHostHeaderThatDiffersFromTheConnectTarget() throws Exception {
        EgressGateway g = start(List.of(EgressRoute.allow(API), EgressRoute.allow(OTHER)));
        try (Socket tunnel = (Socket) ProxyClient.connect(g.port(), API + ":443", g.proxyAuthorization());
             SSLSocket tls = ProxyClient.tls(tunnel, TestPki.clientTrusting(g.caCertificatePem()), API, API)) {
            ProxyClient.Response r = ProxyClient.exchange(tls, "GET / HTTP/1.1\r\nHost: " + OTHER + "\r\n\r\n");
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.body()).contains("Host header " + OTHER).contains("fronting");
            ProxyClient.Response ok = ProxyClient.exchange(tls, "GET / HTTP/1.1\r\nHost: " + API + "\r\n\r\n");
            assertThat(ok.status()).isEqualTo(200);
        }
        assertThat(upstream.take().headers()).containsEntry("host", API);
    }

    @Test
    void enforcesTheRoutesPathAndMethodMatches() throws Exception {
        EgressRoute r = new EgressRoute(API, Optional.empty(), List.of(new RouteMatch(
                List.of(new PathMatch(PathMatch.Type.PREFIX, "/repos/")), List.of("GET"))), false, List.of(),
                DlpPolicy.DEFAULT);
        EgressGateway g = start(List.of(r));
        HttpClient c = client(g);
        assertThat(get(c, "https://" + API + "/repos/a").statusCode()).isEqualTo(200);
        HttpResponse<String> wrongPath = get(c, "https://" + API + "/admin");
        assertThat(wrongPath.statusCode()).isEqualTo(403);
        assertThat(wrongPath.body()).contains("GET /admin").contains("matches of route " + API);
        assertThat(post(c, "https://" + API + "/repos/a", "x").statusCode()).isEqualTo(403);
        assertThat(audit(g)).extracting(EgressAuditEntry::verdict).containsExactly(
                EgressAuditEntry.Verdict.ALLOW, EgressAuditEntry.Verdict.DENY, EgressAuditEntry.Verdict.DENY);
    }

    @Test
    void dlpBlocksABodyCarryingACloudKey() throws Exception {
        EgressGateway g = start(List.of(EgressRoute.allow(API)));
        HttpResponse<String> r = post(client(g), "https://" + API + "/upload", "{\"k\":\"AKIAIOSFODNN7EXAMPLE\"}");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("aws-access-key-id").doesNotContain("AKIAIOSFODNN7EXAMPLE");
        assertThat(upstream.drain()).isEmpty();
        assertThat(audit(g)).singleElement().satisfies(e -> assertThat(e.reason()).contains("aws-access-key-id"));
    }

    @Test
    void dlpBlocksTheBottlesOwnRealTokenSentToAnAllowedHost() throws Exception {
        EgressGateway g = start(List.of(auth(API), EgressRoute.allow(OTHER)));
        HttpClient c = client(g);
        HttpResponse<String> r = post(c, "https://" + OTHER + "/paste", "here it is: " + TOKEN);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("bottle-credential:API_TOKEN").doesNotContain(TOKEN);
        HttpResponse<String> inQuery = get(c, "https://" + OTHER + "/x?t=" + TOKEN);
        assertThat(inQuery.statusCode()).isEqualTo(403);
        assertThat(upstream.drain()).isEmpty();
        assertThat(Files.readString(g.auditFile())).doesNotContain(TOKEN).contains("bottle-credential:API_TOKEN");
    }

    @Test
    void dlpRefusesASecretSmuggledInAHostNameUnderAWildcardRoute() throws Exception {
        EgressGateway g = start(List.of(EgressRoute.allow("*.example.test")));
        String label = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
        Object r = ProxyClient.connect(g.port(), label + ".example.test:443", g.proxyAuthorization());
        assertThat(r).isInstanceOf(ProxyClient.Response.class);
        assertThat(((ProxyClient.Response) r).body()).contains("github-token").doesNotContain(label);
        try (Socket plain = new Socket("127.0.0.1", g.port())) {
            ProxyClient.Response resp = ProxyClient.exchange(plain, "GET http://" + label + ".example.test/ HTTP/1.1\r\n"
                    + "Host: " + label + ".example.test\r\nProxy-Authorization: " + g.proxyAuthorization() + "\r\n\r\n");
            assertThat(resp.status()).isEqualTo(403);
            assertThat(resp.body()).contains("github-token");
        }
        assertThat(upstream.drain()).isEmpty();
        assertThat(Files.readString(g.auditFile())).doesNotContain(label).contains("[REDACTED:github-token]");
    }

    @Test
    void dlpRedactsOrWarnsWhereTheRouteSaysSo() throws Exception {
        EgressGateway g = start(List.of(dlp(API, DlpPolicy.Action.REDACT), dlp(OTHER, DlpPolicy.Action.WARN)));
        HttpClient c = client(g);
        String key = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
        assertThat(post(c, "https://" + API + "/r", "token=" + key + ";").statusCode()).isEqualTo(200);
        assertThat(upstream.take().bodyText()).isEqualTo("token=[REDACTED:github-token];");
        assertThat(post(c, "https://" + OTHER + "/w", "token=" + key).statusCode()).isEqualTo(200);
        assertThat(upstream.take().bodyText()).isEqualTo("token=" + key);
        assertThat(audit(g)).extracting(EgressAuditEntry::reason)
                .containsExactly("dlp redacted: github-token", "dlp warning: github-token");
    }

    @Test
    void passthroughIsSplicedBlindSoTheClientHoldsTheUpstreamsOwnTlsSession() throws Exception {
        EgressGateway g = start(List.of(passthrough(PASS)));
        byte[] clientSession;
        try (Socket tunnel = (Socket) ProxyClient.connect(g.port(), PASS + ":443", g.proxyAuthorization());
             // trusts ONLY the upstream's CA: a handshake with a gateway-minted certificate would fail
             SSLSocket tls = ProxyClient.tls(tunnel, TestPki.clientTrusting(pki.caPem()), PASS, PASS, "TLSv1.2")) {
            clientSession = tls.getSession().getId();
            assertThat(ProxyClient.exchange(tls, "GET /p HTTP/1.1\r\nHost: " + PASS + "\r\n\r\n").status())
                    .isEqualTo(200);
        }
        assertThat(upstream.take().tlsSessionId()).isEqualTo(HexFormat.of().formatHex(clientSession));
        EgressAuditEntry e = awaitAudit(g, 1).get(0);
        assertThat(e.reason()).contains("passthrough");
        assertThat(e.bytesUp()).isPositive();
        assertThat(e.bytesDown()).isPositive();
    }

    @Test
    void streamsLargeResponsesThroughInterceptedAndPassthroughTunnels() throws Exception {
        int size = 32 * 1024 * 1024;
        EgressGateway g = start(List.of(EgressRoute.allow(API), passthrough(PASS)));
        HttpResponse<java.io.InputStream> r = client(g).send(HttpRequest.newBuilder(
                URI.create("https://" + API + "/bytes/" + size)).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream in = r.body()) {
            assertThat(in.transferTo(java.io.OutputStream.nullOutputStream())).isEqualTo(size);
        }
        try (Socket tunnel = (Socket) ProxyClient.connect(g.port(), PASS + ":443", g.proxyAuthorization());
             SSLSocket tls = ProxyClient.tls(tunnel, TestPki.clientTrusting(pki.caPem()), PASS, PASS)) {
            ProxyClient.Response resp = ProxyClient.exchange(tls, "GET /bytes/" + size + " HTTP/1.1\r\nHost: "
                    + PASS + "\r\n\r\n");
            assertThat(resp.body()).hasSize(size);
        }
        assertThat(audit(g).get(0).bytesDown()).isEqualTo(size);
    }

    @Test
    void passthroughRefusesAClientHelloForAnotherHost() throws Exception {
        EgressGateway g = start(List.of(passthrough(PASS), EgressRoute.allow(API)));
        Socket tunnel = (Socket) ProxyClient.connect(g.port(), PASS + ":443", g.proxyAuthorization());
        assertThatThrownBy(() -> ProxyClient.tls(tunnel, TestPki.clientTrusting(pki.caPem()), API, API))
                .isInstanceOf(IOException.class);
        tunnel.close();
        assertThat(awaitAudit(g, 1)).singleElement().satisfies(e -> assertThat(e.reason()).contains("TLS SNI " + API));
        assertThat(upstream.drain()).isEmpty();
    }

    @Test
    void anUpstreamCertificateTheHostDoesNotTrustIsA502WithTheReason() throws Exception {
        EgressGateway g = start(List.of(EgressRoute.allow(API)), List.of(), state);
        HttpResponse<String> r = get(client(g), "https://" + API + "/");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("certificate").contains(API);
        assertThat(audit(g)).singleElement().satisfies(e -> assertThat(e.status()).isEqualTo(502));
    }

    @Test
    void anUpstreamCertificateForAnotherNameIsA502() throws Exception {
        EgressGateway g = start(List.of(EgressRoute.allow("unlisted.example.test")));
        HttpResponse<String> r = get(client(g), "https://unlisted.example.test/");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("certificate");
    }

    @Test
    void anUpstreamNameThatDoesNotResolveIsA502NamingTheHost() throws Exception {
        EgressOptions options = options().withResolver((host, port) -> {
            throw new java.net.UnknownHostException(host);
        });
        EgressGateway g = new EgressGatewayProvider(options).start(new GatewayRequest("demo", "127.0.0.1", 0, state,
                internal(List.of(EgressRoute.allow(API))), List.of(), CredentialSource.none(), List.of(caFile),
                ProgressListener.NONE));
        open.add(g);
        HttpResponse<String> r = get(client(g), "https://" + API + "/");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("could not resolve " + API);
    }

    @Test
    void aRequestBodyLongerThanTheBufferStreamsThroughWhole() throws Exception {
        EgressOptions options = new EgressOptions((host, port) -> new InetSocketAddress("127.0.0.1", upstream.port()),
                1, 1024, -1).withNativeEngines(options().nativeEngines());
        EgressGateway g = new EgressGatewayProvider(options).start(new GatewayRequest("demo", "127.0.0.1", 0, state,
                internal(List.of(EgressRoute.allow(API))), List.of(), CredentialSource.none(), List.of(caFile),
                ProgressListener.NONE));
        open.add(g);
        HttpResponse<String> r = post(client(g), "https://" + API + "/up", "x".repeat(40960));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(upstream.take().body()).hasSize(40960);
        assertThat(audit(g)).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.bytesUp()).isEqualTo(40960);
        });
    }

    @Test
    void plainHttpIsAllowedOnlyToRoutesWithoutCredentials() throws Exception {
        EgressGateway g = start(List.of(auth(API)));
        HttpClient c = client(g);
        HttpResponse<String> r = get(c, "http://" + API + "/");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("https://" + API);
        assertThat(get(c, "http://unknown.example.test/").statusCode()).isEqualTo(403);
    }

    @Test
    void replacingRoutesTakesEffectAtOnceWithoutDroppingOpenTunnels() throws Exception {
        EgressGateway g = start(List.of(passthrough(PASS), EgressRoute.allow(API)));
        try (Socket passTunnel = (Socket) ProxyClient.connect(g.port(), PASS + ":443", g.proxyAuthorization());
             SSLSocket pass = ProxyClient.tls(passTunnel, TestPki.clientTrusting(pki.caPem()), PASS, PASS);
             Socket apiTunnel = (Socket) ProxyClient.connect(g.port(), API + ":443", g.proxyAuthorization());
             SSLSocket api = ProxyClient.tls(apiTunnel, TestPki.clientTrusting(g.caCertificatePem()), API, API)) {
            String req = "GET / HTTP/1.1\r\nHost: %s\r\n\r\n";
            assertThat(ProxyClient.exchange(api, req.formatted(API)).status()).isEqualTo(200);

            g.replaceRoutes(internal(List.of(passthrough(PASS), EgressRoute.allow(OTHER))));

            assertThat(g.routes()).extracting(EgressRoute::host).containsExactly(PASS, OTHER);
            // the open passthrough tunnel still carries traffic
            assertThat(ProxyClient.exchange(pass, req.formatted(PASS)).status()).isEqualTo(200);
            // the open intercepted connection stays up, but its next request is judged by the new routes
            ProxyClient.Response denied = ProxyClient.exchange(api, req.formatted(API));
            assertThat(denied.status()).isEqualTo(403);
            assertThat(ProxyClient.connect(g.port(), API + ":443", g.proxyAuthorization())).isInstanceOf(ProxyClient.Response.class);
            Object other = ProxyClient.connect(g.port(), OTHER + ":443", g.proxyAuthorization());
            assertThat(other).isInstanceOf(Socket.class);
            ((Socket) other).close();
        }
    }

    @Test
    void replacingRoutesWithAnUnknownCredentialKeepsTheOldRoutes() {
        EgressGateway g = start(List.of(EgressRoute.allow(API)));
        assertThatThrownBy(() -> g.replaceRoutes(List.of(EgressRoute.withAuth(OTHER,
                new RouteAuth("token", "MISSING_REF"))))).isInstanceOf(CredentialException.class)
                .hasMessageContaining("MISSING_REF");
        assertThat(g.routes()).extracting(EgressRoute::host).containsExactly(API);
    }

    @Test
    void aMissingCredentialFailsStartNamingTheVariableOnly() {
        GatewayRequest req = new GatewayRequest("demo", "127.0.0.1", 0, state,
                List.of(EgressRoute.withAuth(API, new RouteAuth("Bearer", "GITHUB_TOKEN"))), List.of(),
                CredentialSource.none(), List.of(), ProgressListener.NONE);
        assertThatThrownBy(() -> new EgressGatewayProvider().start(req)).isInstanceOf(CredentialException.class)
                .hasMessageContaining("GITHUB_TOKEN").hasMessageContaining(API);
    }

    @Test
    void aPortInUseIsAClearErrorNotABareBindException() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            GatewayRequest req = new GatewayRequest("demo", "127.0.0.1", taken.getLocalPort(), state,
                    List.of(EgressRoute.allow(API)), List.of(), CredentialSource.none(), List.of(), ProgressListener.NONE);
            assertThatThrownBy(() -> new EgressGatewayProvider().start(req))
                    .isInstanceOf(dev.botbottle.spi.BottleException.class)
                    .hasMessageContaining("could not listen on 127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("the port free?");
        }
    }

    @Test
    void keepsItsCaAcrossARestartFromTheSameStateDir() throws Exception {
        EgressGateway first = start(List.of(EgressRoute.allow(API)));
        String pem = first.caCertificatePem();
        first.close();
        EgressGateway again = start(List.of(EgressRoute.allow(API)));
        assertThat(again.caCertificatePem()).isEqualTo(pem);
        assertThat(get(client(again), "https://" + API + "/").statusCode()).isEqualTo(200);
    }

    @Test
    void tellsTheBottleToTrustItsCaAndUseItAsProxy() {
        EgressGateway g = start(List.of(EgressRoute.allow(API)));
        List<ProvisionStep> steps = g.bottleSteps(new HostReach("172.18.0.1", "172.18.0.1", "test"));
        String userInfo = new String(java.util.Base64.getDecoder().decode(g.proxyAuthorization().substring(6)));
        String proxy = "http://" + userInfo + "@172.18.0.1:" + g.port();
        assertThat(steps).contains(new ProvisionStep.SetEnv("HTTPS_PROXY", proxy),
                new ProvisionStep.SetEnv("https_proxy", proxy), new ProvisionStep.SetEnv("HTTP_PROXY", proxy),
                new ProvisionStep.SetEnv("http_proxy", proxy),
                new ProvisionStep.SetEnv("NO_PROXY", "localhost,127.0.0.1,::1,172.18.0.1"),
                new ProvisionStep.SetEnv("no_proxy", "localhost,127.0.0.1,::1,172.18.0.1"));
        assertThat(steps).filteredOn(ProvisionStep.TrustCertificate.class::isInstance).singleElement()
                .satisfies(s -> assertThat(((ProvisionStep.TrustCertificate) s).pem()).isEqualTo(g.caCertificatePem()));
        assertThat(steps.toString()).doesNotContain(TOKEN);
    }

    @Test
    void everyDecisionHasItsAuditLineAndFollowersSeeThem() throws Exception {
        EgressGateway g = start(List.of(EgressRoute.allow(API)));
        List<EgressAuditEntry> followed = new CopyOnWriteArrayList<>();
        EgressControl control = g;
        EgressControl.Subscription sub = control.followAudit(followed::add);
        HttpClient c = client(g);
        get(c, "https://" + API + "/a");
        get(c, "https://" + API + "/b");
        post(c, "https://" + API + "/c", "AKIAIOSFODNN7EXAMPLE");
        ProxyClient.connect(g.port(), "nope.example.test:443", g.proxyAuthorization());
        sub.close();
        List<EgressAuditEntry> all = audit(g);
        assertThat(all).extracting(EgressAuditEntry::path).containsExactly("/a", "/b", "/c", "");
        assertThat(all).extracting(EgressAuditEntry::verdict).containsExactly(EgressAuditEntry.Verdict.ALLOW,
                EgressAuditEntry.Verdict.ALLOW, EgressAuditEntry.Verdict.DENY, EgressAuditEntry.Verdict.DENY);
        assertThat(followed.stream().filter(e -> e.status() != 407).toList()).isEqualTo(all);
        assertThat(Files.readAllLines(g.auditFile())).hasSize(g.readAudit().size());
    }

    /** Audit lines of tunnels are written when the tunnel closes, on the gateway's thread: wait for them. */
    static List<EgressAuditEntry> awaitAudit(EgressGateway g, int count) throws InterruptedException {
        var latch = new java.util.concurrent.CountDownLatch(1);
        try (EgressControl.Subscription s = g.followAudit(e -> latch.countDown())) {
            if (audit(g).size() < count) {
                latch.await(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
        return audit(g);
    }

}
