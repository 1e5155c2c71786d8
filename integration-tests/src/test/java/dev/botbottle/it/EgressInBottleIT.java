package dev.botbottle.it;

import dev.botbottle.core.provision.ProvisionEngine;
import dev.botbottle.core.provision.ProvisionResult;
import dev.botbottle.egress.EgressLimits;
import dev.botbottle.egress.testing.GrpcUpstream;
import dev.botbottle.egress.testing.LoopbackUpstream;
import dev.botbottle.egress.testing.TestPki;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.DlpPolicy;
import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.PathMatch;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.ResourceLimits;
import dev.botbottle.spi.RouteAuth;
import dev.botbottle.spi.RouteMatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The egress gateway seen from inside a real Docker bottle: curl and git use it through the provisioned proxy
 * variables and CA. The upstream is a loopback HTTPS server with its own test CA (trusted by the gateway through
 * the extra-CA option); a test resolver maps every route host to it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EgressInBottleIT {

    static final String TOKEN = "gh-real-" + UUID.randomUUID().toString().replace("-", "");
    static final String API = "api.example.test";
    static final String OPEN = "open.example.test";
    static final String PASS = "pass.example.test";
    static final String GRPC = "grpc.example.test";

    private Path state;
    private TestPki pki;
    private LoopbackUpstream upstream;
    private GrpcUpstream grpc;
    private BottleBackend backend;
    private String slug;
    private GatewayService service;
    /** the gateway, in this JVM or a gateway program's stand-in ({@link TestEgress}) */
    private EgressControl gateway;
    private Bottle bottle;
    private Map<String, String> env;

    @BeforeAll
    void start() throws Exception {
        Docker.assumeEngine();
        state = Files.createTempDirectory("egress-it");
        pki = TestPki.create("egress-it-upstream-ca");
        upstream = LoopbackUpstream.start(pki, List.of(API, OPEN, PASS), 4);
        grpc = GrpcUpstream.start(pki, List.of(GRPC));
        Path caFile = pki.writeCa(state);

        BackendProvider docker = ServiceLoader.load(BackendProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("docker")).findFirst()
                .orElseThrow(() -> new AssertionError("no BackendProvider named docker on the classpath"));
        backend = docker.create(new BackendContext(state.resolve("home"), ProgressListener.NONE, Map.of()));
        slug = "egress-it-" + UUID.randomUUID().toString().substring(0, 6);
        BottleSpec spec = new BottleSpec(slug, "egress-it", ImageSpec.of(Docker.BASE_IMAGE), Map.of(), Map.of(),
                ResourceLimits.NONE, false);
        HostReach reach = backend.prepare(spec);

        List<EgressRoute> routes = List.of(
                new EgressRoute(API, Optional.of(new RouteAuth("Bearer", "GH_TOKEN")),
                        List.of(new RouteMatch(List.of(new PathMatch(PathMatch.Type.PREFIX, "/v1/"),
                                new PathMatch(PathMatch.Type.PREFIX, "/org/")), List.of())),
                        false, List.of(), DlpPolicy.DEFAULT),
                EgressRoute.allow(OPEN),
                new EgressRoute(PASS, Optional.empty(), List.of(), true, List.of(), DlpPolicy.DEFAULT),
                new EgressRoute(GRPC, Optional.of(new RouteAuth("Bearer", "GH_TOKEN")), List.of(), false, List.of(),
                        DlpPolicy.DEFAULT))
                // the upstream is on loopback: the routes say so (the SSRF floor refuses it otherwise)
                .stream().map(r -> r.toBuilder().allowPrivate(true).build()).toList();
        service = TestEgress.start(backend, spec, reach, new GatewayRequest(slug, reach.bindAddress(), 0,
                state.resolve("state"), routes, List.of(), CredentialSource.fromEnvironment(Map.of("GH_TOKEN", TOKEN)),
                List.of(caFile), ProgressListener.NONE), Map.of(GRPC, grpc.port(), "*", upstream.port()),
                EgressLimits.defaults());
        gateway = (EgressControl) service;

        backend.create(spec, reach, service.ports()); // its DNS responder's UDP port too
        bottle = backend.start(slug);
        ProvisionResult provisioned = new ProvisionEngine(ProgressListener.NONE)
                .apply(bottle, service.bottleSteps(reach), Map.of());
        env = provisioned.env();
        bottle.copyIn(caFile, "/tmp/upstream-ca.pem", FileOwner.AGENT, 0644);
    }

    @AfterAll
    void stop() {
        if (bottle != null) {
            bottle.close();
        }
        if (backend != null && slug != null) {
            backend.teardown(slug);
        }
        if (service != null) {
            service.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (grpc != null) {
            grpc.close();
        }
        if (state != null) {
            try (var walk = Files.walk(state)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException e) {
                // a leftover temp dir is not a test failure
            }
        }
    }

    private ExecResult sh(String script) {
        return bottle.exec(ExecRequest.of("sh", "-c", script).withEnv(env));
    }

    private ExecResult curl(String... args) {
        List<String> argv = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        argv.addAll(List.of(args));
        return bottle.exec(new ExecRequest(argv, env, Optional.empty(), Optional.empty(), Optional.empty(),
                ExecRequest.DEFAULT_TIMEOUT));
    }

    private List<EgressAuditEntry> auditFor(String host) {
        return gateway.readAudit().stream().filter(e -> e.host().equals(host)).toList();
    }

    @Test
    void anAllowedRouteWorksAndTheUpstreamReceivesTheRealTokenInsteadOfThePlaceholder() {
        upstream.drain();
        ExecResult r = curl("-H", "Authorization: Bearer placeholder", "https://" + API + "/v1/user");
        assertThat(r.exitCode()).as(r.stderrText()).isZero();
        assertThat(r.stdoutText()).isEqualTo("ok");
        LoopbackUpstream.Received got = upstream.take();
        assertThat(got.headers()).containsEntry("authorization", "Bearer " + TOKEN);
        assertThat(got.path()).isEqualTo("/v1/user");
        assertThat(auditFor(API)).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo("/v1/user");
            assertThat(e.verdict()).isEqualTo(EgressAuditEntry.Verdict.ALLOW);
            assertThat(e.status()).isEqualTo(200);
        });
    }

    @Test
    void curlSpeaksHttp2ThroughTheGatewayAndAGrpcCallsTrailersComeBackWithoutTheEchoedToken() {
        upstream.drain();
        ExecResult r = curl("--http2", "-o", "/dev/null", "-w", "%{http_version}", "https://" + OPEN + "/h2");
        assertThat(r.exitCode()).as(r.stderrText()).isZero();
        assertThat(r.stdoutText()).isEqualTo("2");
        assertThat(upstream.take().path()).isEqualTo("/h2");
        // a gRPC-shaped call: POST, te: trailers; the answer ends with grpc-status in the trailers
        // the CONNECT answer of the proxy is not part of the exchange under test
        ExecResult call = curl("--http2", "--suppress-connect-headers", "-D", "-", "-o", "/dev/null", "-X", "POST",
                "-H", "content-type: application/grpc", "-H", "te: trailers", "-H", "Authorization: Bearer placeholder",
                "--data-binary", "ping", "https://" + GRPC + "/demo.Echo/Ping");
        assertThat(call.exitCode()).as(call.stderrText()).isZero();
        assertThat(call.stdoutText()).startsWith("HTTP/2 200").contains("grpc-status: 0").contains("grpc-message: ok")
                .contains("x-seen-authorization:").doesNotContain(TOKEN);
        GrpcUpstream.Received got;
        try {
            got = grpc.take();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(got).isNotNull();
        assertThat(got.headers()).containsEntry("authorization", "Bearer " + TOKEN).containsEntry(":authority", GRPC);
        assertThat(new String(got.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("ping");
        assertThat(auditFor(GRPC)).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo("/demo.Echo/Ping");
            assertThat(e.status()).isEqualTo(200);
        });
    }

    @Test
    void theBottleNeverHoldsTheRealToken() {
        anAllowedRouteWorksAndTheUpstreamReceivesTheRealTokenInsteadOfThePlaceholder();
        // the environment and command line of every process, compared on the host
        ExecResult procs = bottle.exec(ExecRequest.of("sh", "-c",
                "cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' '\\n'; ps auxww")
                .asUser("root").withEnv(env));
        assertThat(procs.exitCode()).isZero();
        assertThat(procs.stdoutText()).contains("HTTPS_PROXY=http://").doesNotContain(TOKEN);
        // every file: search for the token's public prefix (the token itself is never sent into the bottle)
        ExecResult files = bottle.exec(ExecRequest.of("sh", "-c", "grep -rIl -F \"$0\" / --exclude-dir=proc"
                + " --exclude-dir=sys --exclude-dir=dev 2>/dev/null; true", TOKEN.substring(0, 8)).asUser("root"));
        assertThat(files.stdoutText()).isEmpty();
        assertThat(sh("env; cat /etc/profile.d/*.sh 2>/dev/null").stdoutText()).doesNotContain(TOKEN);
    }

    @Test
    void gitGoesThroughTheGatewayWithTheRealCredential() {
        upstream.drain();
        ExecResult r = bottle.exec(ExecRequest.of("git", "ls-remote", "https://" + API + "/org/repo.git")
                .withEnv(env).withEnv(Map.of("GIT_TERMINAL_PROMPT", "0")));
        // the double answers "ok", which git rejects; what matters is what reached upstream
        LoopbackUpstream.Received got = upstream.take();
        assertThat(got.path()).isEqualTo("/org/repo.git/info/refs?service=git-upload-pack");
        assertThat(got.headers()).containsEntry("authorization", "Bearer " + TOKEN);
        assertThat(got.headers().get("user-agent")).startsWith("git/");
        assertThat(r.stderrText()).doesNotContain(TOKEN);
    }

    @Test
    void anUnknownHostIsRefusedWithTheReason() {
        ExecResult tls = curl("https://unknown.example.net/");
        assertThat(tls.exitCode()).isNotZero();
        assertThat(tls.stderrText()).contains("403");
        ExecResult plain = curl("http://unknown.example.net/");
        assertThat(plain.stdoutText()).contains("unknown.example.net").contains(slug).contains("supervise");
        assertThat(auditFor("unknown.example.net")).hasSize(2)
                .allMatch(e -> e.verdict() == EgressAuditEntry.Verdict.DENY);
    }

    @Test
    void anIpLiteralIsRefused() {
        ExecResult r = curl("-k", "https://93.184.216.34/");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderrText()).contains("403");
        assertThat(auditFor("93.184.216.34")).singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("IP literal"));
    }

    @Test
    void domainFrontingIsRefused() {
        ExecResult host = curl("-H", "Host: " + API, "https://" + OPEN + "/");
        assertThat(host.stdoutText()).contains("Host header " + API).contains("fronting");
        // the proxy URL is http://bottle:<secret>@addr:port; openssl takes the parts separately
        ExecResult sni = sh("P=${HTTPS_PROXY#http://}; C=${P%@*}; echo | openssl s_client -proxy \"${P#*@}\""
                + " -proxy_user \"${C%%:*}\" -proxy_pass \"pass:${C#*:}\" -connect " + OPEN
                + ":443 -servername " + API + " 2>&1");
        assertThat(sni.stdoutText()).doesNotContain("BEGIN CERTIFICATE");
        assertThat(auditFor(OPEN)).anySatisfy(e -> assertThat(e.reason()).contains("TLS SNI " + API));
    }

    @Test
    void theRoutesMatchesAreEnforced() {
        ExecResult r = curl("-o", "/dev/null", "-w", "%{http_code}", "https://" + API + "/admin");
        assertThat(r.stdoutText()).isEqualTo("403");
        assertThat(auditFor(API)).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo("/admin");
            assertThat(e.verdict()).isEqualTo(EgressAuditEntry.Verdict.DENY);
        });
    }

    @Test
    void dlpBlocksAFakeCloudKeyInABody() {
        upstream.drain();
        ExecResult r = curl("-d", "key=AKIAIOSFODNN7EXAMPLE", "https://" + OPEN + "/upload");
        assertThat(r.stdoutText()).contains("aws-access-key-id");
        assertThat(upstream.drain()).isEmpty();
    }

    @Test
    void dlpBlocksTheBottlesOwnRealTokenEchoedToAnAllowedHost() {
        upstream.drain();
        // the token arrives on stdin only (as if the agent had obtained it), never in argv or a file
        ExecResult r = bottle.exec(ExecRequest.of("curl", "-sS", "--data-binary", "@-", "https://" + OPEN + "/paste")
                .withEnv(env).withStdin(("leak " + TOKEN).getBytes(StandardCharsets.UTF_8)));
        assertThat(r.stdoutText()).contains("bottle-credential:GH_TOKEN").doesNotContain(TOKEN);
        assertThat(upstream.drain()).isEmpty();
    }

    /** curl trusting ONLY the upstream's test CA (no system bundle, no CA directory). */
    private ExecResult curlTrustingOnlyTheUpstream(String url) {
        bottle.exec(ExecRequest.of("mkdir", "-p", "/tmp/no-ca-dir"));
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put("SSL_CERT_FILE", "/tmp/upstream-ca.pem");
        e.put("SSL_CERT_DIR", "/tmp/no-ca-dir");
        return bottle.exec(new ExecRequest(List.of("curl", "-sS", "--max-time", "30", "--cacert",
                "/tmp/upstream-ca.pem", "--capath", "/tmp/no-ca-dir", url), e, Optional.empty(), Optional.empty(),
                Optional.empty(), ExecRequest.DEFAULT_TIMEOUT));
    }

    @Test
    void passthroughWorksAndIsNotDecrypted() {
        // succeeds only if the bottle holds a TLS session with the upstream itself
        ExecResult pass = curlTrustingOnlyTheUpstream("https://" + PASS + "/p");
        assertThat(pass.exitCode()).as(pass.stderrText()).isZero();
        assertThat(pass.stdoutText()).isEqualTo("ok");
        // the same trust fails on an intercepted route: there the bottle sees the gateway's certificate
        ExecResult intercepted = curlTrustingOnlyTheUpstream("https://" + OPEN + "/p");
        assertThat(intercepted.exitCode()).as(intercepted.stderrText()).isEqualTo(60);
    }

    @Test
    void outsideNamesDoNotResolveInsideTheBottle() {
        for (String name : List.of("example.com", "deb.debian.org", API)) {
            ExecResult r = bottle.exec(ExecRequest.of("getent", "hosts", name));
            assertThat(r.exitCode()).as(name + " resolved to " + r.stdoutText()).isNotZero();
        }
    }

    @Test
    void everyDecisionHasItsAuditLine() {
        int before = gateway.readAudit().size();
        curl("https://" + OPEN + "/one");
        curl("https://nowhere.example.net/");
        curl("-o", "/dev/null", "https://" + API + "/forbidden");
        List<EgressAuditEntry> after = gateway.readAudit();
        assertThat(after.subList(before, after.size())).extracting(EgressAuditEntry::host, EgressAuditEntry::verdict)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(OPEN, EgressAuditEntry.Verdict.ALLOW),
                        org.assertj.core.groups.Tuple.tuple("nowhere.example.net", EgressAuditEntry.Verdict.DENY),
                        org.assertj.core.groups.Tuple.tuple(API, EgressAuditEntry.Verdict.DENY));
    }
}
