package dev.botbottle.gateway;

import dev.botbottle.egress.testing.BottleCurl;
import dev.botbottle.egress.testing.LoopbackUpstream;
import dev.botbottle.egress.testing.TestPki;
import dev.botbottle.spi.CredentialException;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GatewayProgram;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GatewayRunner;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.RouteAuth;
import dev.botbottle.spi.support.HostProcessGatewayRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway program as a real process of this host: a real egress gateway in its own JVM, a real TLS upstream on
 * loopback, curl as the bottle's client. The runtime's side is the stand-ins {@link ProcessGatewayLauncher} hands
 * back, used through the SPI only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayProcessIT {

    static final String TOKEN = "gw-real-" + UUID.randomUUID().toString().replace("-", "");
    static final String HOST = "localhost";

    Path state;
    private TestPki pki;
    private Path upstreamCa;
    private LoopbackUpstream upstream;
    final Recording runner = new Recording(runner());

    /** @return the runner under test: the real host-process runner, sharing this host's files */
    GatewayRunner runner() {
        return new HostProcessGatewayRunner();
    }

    @BeforeAll
    void start() throws IOException {
        state = Files.createTempDirectory("gw-it");
        pki = TestPki.create("gateway-it-upstream-ca");
        upstream = LoopbackUpstream.start(pki, List.of(HOST), 4);
        upstreamCa = pki.writeCa(state);
    }

    @AfterAll
    void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void anAllowedHostIsReachedWithTheTokenInjectedAndAnotherIsRefused() throws Exception {
        try (Launched gw = launch(List.of(tokenRoute()))) {
            assertThat(gw.services().get(0).awaitReady(java.time.Duration.ofSeconds(60))).as("warmed up").isTrue();
            BottleCurl allowed = gw.curl("https://" + HOST + ":" + upstream.port() + "/echo");
            assertThat(allowed.code()).as(allowed.err()).isZero();
            assertThat(allowed.out()).startsWith("200");
            assertThat(upstream.take().headers().get("authorization")).isEqualTo("Bearer " + TOKEN);

            BottleCurl refused = gw.curl("https://other.example.test:" + upstream.port() + "/echo");
            assertThat(refused.out() + refused.err()).as("the proxy refuses the CONNECT").contains("403");
            assertThat(gw.egress().readAudit()).extracting(EgressAuditEntry::host, EgressAuditEntry::verdict)
                    .contains(org.assertj.core.groups.Tuple.tuple(HOST, EgressAuditEntry.Verdict.ALLOW),
                            org.assertj.core.groups.Tuple.tuple("other.example.test",
                                    EgressAuditEntry.Verdict.DENY));
        }
    }

    @Test
    void routesReplacedThroughTheControlChannelTakeEffect() throws Exception {
        try (Launched gw = launch(List.of(tokenRoute()))) {
            assertThat(gw.curl("https://" + HOST + ":" + upstream.port() + "/echo").out()).startsWith("200");
            upstream.take();

            gw.egress().replaceRoutes(List.of(EgressRoute.allow("elsewhere.example.test")));
            assertThat(gw.egress().routes()).extracting(EgressRoute::host).containsExactly("elsewhere.example.test");
            BottleCurl refused = gw.curl("https://" + HOST + ":" + upstream.port() + "/echo");
            assertThat(refused.out() + refused.err()).contains("403");

            gw.egress().replaceRoutes(List.of(tokenRoute()));
            assertThat(gw.curl("https://" + HOST + ":" + upstream.port() + "/echo").out()).startsWith("200");
            assertThat(upstream.take().headers().get("authorization")).isEqualTo("Bearer " + TOKEN);
        }
    }

    @Test
    void aReplacedRouteNamingAnUnknownCredentialIsRefusedAndTheOldRoutesStay() throws Exception {
        try (Launched gw = launch(List.of(tokenRoute()))) {
            EgressRoute unknown = EgressRoute.builder("api.example.test").auth(new RouteAuth("Bearer", "NOBODY_KNOWS"))
                    .build();
            assertThatThrownBy(() -> gw.egress().replaceRoutes(List.of(unknown)))
                    .isInstanceOf(CredentialException.class).hasMessageContaining("NOBODY_KNOWS");
            assertThat(gw.egress().routes()).extracting(EgressRoute::host).containsExactly(HOST);
        }
    }

    @Test
    void followingTheAuditDeliversNewDecisions() throws Exception {
        try (Launched gw = launch(List.of(tokenRoute()))) {
            LinkedBlockingQueue<EgressAuditEntry> seen = new LinkedBlockingQueue<>();
            try (EgressControl.Subscription ignored = gw.egress().followAudit(seen::add)) {
                gw.curl("https://" + HOST + ":" + upstream.port() + "/echo");
                EgressAuditEntry entry = seen.poll(30, TimeUnit.SECONDS);
                assertThat(entry).isNotNull();
                assertThat(entry.host()).isEqualTo(HOST);
            }
        }
    }

    @Test
    void theSecretIsInNeitherTheCommandLineNorTheEnvironmentOfTheGatewayProcess() throws Exception {
        try (Launched gw = launch(List.of(tokenRoute()))) {
            // control: the process holds the secret (it injects it)
            assertThat(gw.curl("https://" + HOST + ":" + upstream.port() + "/echo").out()).startsWith("200");
            assertThat(upstream.take().headers().get("authorization")).contains(TOKEN);
            long pid = runner.last.pid();
            String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline"), StandardCharsets.ISO_8859_1);
            String environ = Files.readString(Path.of("/proc/" + pid + "/environ"), StandardCharsets.ISO_8859_1);
            assertThat(cmdline).contains(GatewayMain.class.getName()).doesNotContain(TOKEN);
            assertThat(environ).doesNotContain(TOKEN);
            for (String variable : environ.split("\0")) {
                if (!variable.isEmpty()) {
                    assertThat(variable.substring(0, variable.indexOf('=')))
                            .isIn(HostProcessGatewayRunner.KEPT_ENVIRONMENT);
                }
            }
            Path controlDir = state.resolve("state-" + gw.slug).resolve("gateway");
            assertThat(Files.getPosixFilePermissions(controlDir))
                    .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
                            java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
            assertThat(Files.readString(controlDir.resolve("gateway.log"))).doesNotContain(TOKEN);
        }
    }

    @Test
    void closingTheLastServiceEndsTheProgram() throws Exception {
        Launched gw = launch(List.of(tokenRoute()));
        GatewayRunner.Running process = runner.last;
        assertThat(process.isAlive()).isTrue();
        gw.close();
        assertThat(ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void theProgramStopsItsServicesWhenItsStandardInputCloses() throws Exception {
        Launched gw = launch(List.of(tokenRoute()));
        GatewayRunner.Running process = runner.last;
        int port = gw.services().get(0).port();
        // control: the proxy port accepts
        new java.net.Socket("127.0.0.1", port).close();
        // what the runtime holding it dying (even by SIGKILL) does: its end of the pipe closes
        process.stdin().close();
        ProcessHandle.of(process.pid()).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        assertThat(process.isAlive()).isFalse();
        assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
        gw.close();
    }

    @Test
    void aCredentialNoSourceKnowsFailsTheLaunchNamingIt() {
        EgressRoute unknown = EgressRoute.builder(HOST).auth(new RouteAuth("Bearer", "NOBODY_KNOWS")).build();
        assertThatThrownBy(() -> launch(List.of(unknown))).isInstanceOf(CredentialException.class)
                .hasMessageContaining("NOBODY_KNOWS").hasMessageNotContaining(TOKEN);
        assertThat(runner.last.isAlive()).isFalse();
    }

    @Test
    void aCredentialTheUpstreamRefusesIsAskedForAgainThroughTheRuntimesSource() throws Exception {
        String rotated = "gw-rotated-" + UUID.randomUUID().toString().replace("-", "");
        java.util.concurrent.atomic.AtomicReference<String> vault = new java.util.concurrent.atomic.AtomicReference<>(
                TOKEN);
        List<String> invalidated = new java.util.concurrent.CopyOnWriteArrayList<>();
        CredentialSource source = new CredentialSource() {
            @Override
            public java.util.Optional<dev.botbottle.spi.Secret> resolve(String reference) {
                return reference.equals("GW_TOKEN") ? java.util.Optional.of(dev.botbottle.spi.Secret.of(vault.get()))
                        : java.util.Optional.empty();
            }

            @Override
            public void invalidate(String reference) {
                invalidated.add(reference);
            }
        };
        try (Launched gw = launch(List.of(tokenRoute()), source)) {
            // control: the value sent at start is in force
            upstream.acceptBearer(TOKEN);
            assertThat(gw.curl("https://" + HOST + ":" + upstream.port() + "/require-bearer").out()).isEqualTo("200");
            upstream.drain();

            vault.set(rotated);
            upstream.acceptBearer(rotated);
            assertThat(gw.curl("https://" + HOST + ":" + upstream.port() + "/require-bearer").out()).isEqualTo("401");
            assertThat(invalidated).containsExactly("GW_TOKEN");
            assertThat(gw.curl("https://" + HOST + ":" + upstream.port() + "/require-bearer").out()).isEqualTo("200");
            assertThat(upstream.drain()).extracting(r -> r.headers().get("authorization"))
                    .contains("Bearer " + rotated);
        }
    }

    EgressRoute tokenRoute() {
        return EgressRoute.builder(HOST).ports(List.of(upstream.port())).auth(new RouteAuth("Bearer", "GW_TOKEN"))
                .allowPrivate(true).build();
    }

    Launched launch(List<EgressRoute> routes) {
        return launch(routes, CredentialSource.fromEnvironment(Map.of("GW_TOKEN", TOKEN)));
    }

    private Launched launch(List<EgressRoute> routes, CredentialSource credentials) {
        String slug = "gw-" + UUID.randomUUID().toString().substring(0, 6);
        GatewayRequest request = GatewayRequest.builder(slug).bindAddress("127.0.0.1").port(0)
                .stateDir(state.resolve("state-" + slug)).routes(routes)
                .credentials(credentials)
                .extraCaFiles(List.of(upstreamCa)).progress(ProgressListener.NONE).build();
        List<GatewayService> services = new ProcessGatewayLauncher()
                .launch(request, List.of("egress"), Map.of(), runner);
        return new Launched(slug, services, state);
    }

    /** The stand-ins of one launch and a client in the bottle's place (curl with the bottle's proxy and CA). */
    record Launched(String slug, List<GatewayService> services, Path state) implements AutoCloseable {
        EgressControl egress() {
            return (EgressControl) services.get(0);
        }

        BottleCurl curl(String url) throws IOException, InterruptedException {
            return BottleCurl.through(services.get(0), state, url);
        }

        @Override
        public void close() {
            services.forEach(GatewayService::close);
        }
    }

    /** The real host-process runner, remembering the last program it started (to look at its /proc entry). */
    static final class Recording implements GatewayRunner {
        private final GatewayRunner real;
        volatile Running last;

        Recording(GatewayRunner real) {
            this.real = real;
        }

        @Override
        public java.util.Optional<Path> programRoot() {
            return real.programRoot();
        }

        @Override
        public Running start(GatewayProgram program) {
            last = real.start(program);
            return last;
        }
    }
}
