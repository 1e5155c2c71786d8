package dev.botbottle.it;

import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.manifest.ManifestLoader;
import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plan.Planner;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchOptions;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.egress.testing.LoopbackUpstream;
import dev.botbottle.egress.testing.TestPki;
import dev.botbottle.gitgate.testing.SshUpstream;
import dev.botbottle.spi.Decision;
import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.GatewayServiceProvider;
import dev.botbottle.spi.ProposedChange;
import dev.botbottle.spi.SuperviseService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Docker bottle launched by the runtime with {@code docker.gateway=container}: its gateway program runs in the
 * gateway image, in a container on the bottle's own network, and the bottle reaches nothing of the host. The upstream
 * is a real TLS server on this host's address on the engine's default bridge, which the gateway container knows as
 * {@code host.docker.internal} (a private address, so the route says {@code allow_private}).
 */
class GatewayContainerInBottleIT {

    static final String TOKEN = "gwc-real-" + UUID.randomUUID().toString().replace("-", "");
    static final String HOST = "host.docker.internal";

    @TempDir
    Path home;

    private TestPki pki;
    private LoopbackUpstream upstream;
    private BottleRuntime runtime;
    private String slug;
    private String hostAddress;

    @BeforeEach
    void setUp() throws IOException {
        Docker.assumeEngine();
        hostAddress = Docker.defaultBridgeAddress();
        pki = TestPki.create("gateway-container-it-ca");
        upstream = LoopbackUpstream.start(pki, List.of(HOST), 4, hostAddress);
        Path ca = pki.writeCa(home);
        Manifests.write(home, "bottles/outside.md", """
                ---
                image: %s
                agent_provider: {template: shell}
                egress:
                  upstream_ca_files: [%s]
                  routes:
                    - host: %s
                      ports: [%d]
                      allow_private: true
                      auth: {scheme: Bearer, token_ref: GWC_TOKEN}
                ---
                """.formatted(Docker.BASE_IMAGE, ca, HOST, upstream.port()));
        Manifests.write(home, "agents/worker.md", "---\nbottle: outside\n---\nWork.\n");
        runtime = BottleRuntime.builder().host(host()).plugins(Plugins.builder().build())
                .backendOption("docker.gateway", "container")
                .supervisor(p -> Optional.of(p.change() instanceof ProposedChange.Route
                        ? Decision.approve("granted for the test") : Decision.reject("not in this test"))).build();
    }

    @AfterEach
    void tearDown() {
        if (runtime != null) {
            if (slug != null) {
                try {
                    runtime.teardown(slug);
                } catch (RuntimeException ignored) {
                    // the test removed it already, or failed before it existed
                }
            }
            runtime.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void theBottleReachesItsAllowedHostThroughTheGatewayContainerAndNothingOfTheHost() {
        RunningBottle bottle = launch();
        String url = "https://" + HOST + ":" + upstream.port() + "/echo";

        // control: the allowed host answers, with the real token injected by the gateway in its container
        ExecResult allowed = curl(bottle, url);
        assertThat(allowed.stdoutText()).as(allowed.stderrText()).isEqualTo("200");
        assertThat(upstream.take().headers().get("authorization")).isEqualTo("Bearer " + TOKEN);

        ExecResult refused = curl(bottle, "https://not-allowed.example.test/");
        assertThat(refused.stdoutText() + refused.stderrText()).contains("403");
        EgressControl egress = bottle.gateway(GatewayServiceProvider.EGRESS, EgressControl.class).orElseThrow();
        assertThat(egress.readAudit()).anySatisfy(e -> {
            assertThat(e.host()).isEqualTo("not-allowed.example.test");
            assertThat(e.verdict()).isEqualTo(EgressAuditEntry.Verdict.DENY);
        });
        assertThat(bottle.gateway(GatewayServiceProvider.SUPERVISE, SuperviseService.class)).isPresent();

        // the bottle's gateway address is the holder's on the bottle's network, not the host's bridge address
        String gateway = runtime.state().readMetadata(slug).orElseThrow().reach().bottleAddress();
        assertThat(gateway).isEqualTo(inspect(holder(), "{{with index .NetworkSettings.Networks \"bb-" + slug
                + "\"}}{{.IPAddress}}{{end}}"));
        // the same upstream, dialled straight from the bottle, is on the host: refused by the host firewall chain
        ExecResult direct = bottle.exec("curl", "-sS", "-k", "--max-time", "10", "--noproxy", "*", "-o", "/dev/null",
                "-w", "%{http_code}", "https://" + hostAddress + ":" + upstream.port() + "/echo");
        assertThat(direct.exitCode()).as(direct.stdoutText()).isNotZero();
        assertThat(upstream.drain()).isEmpty();

        // the program's container holds no secret in its command line or environment, and runs with no capability
        String program = "bb-" + slug + ".gateway-program";
        String config = inspect(program, "{{json .Config.Env}} {{json .Config.Cmd}} {{json .Args}}");
        assertThat(config).contains("dev.botbottle.gateway.GatewayMain").doesNotContain(TOKEN)
                .doesNotContain("GWC_TOKEN");
        assertThat(inspect(program, "{{json .HostConfig.CapDrop}} {{.HostConfig.ReadonlyRootfs}}"))
                .contains("ALL").contains("true");

        runtime.teardown(slug);
        slug = null;
        assertThat(Docker.run("docker", "container", "inspect", program).exitCode()).isNotZero();
        assertThat(Docker.run("docker", "container", "inspect", holder()).exitCode()).isNotZero();
    }

    @Test
    void aStoppedBottleKeepsItsGatewayAddressAndResumesWithANewProgram() {
        RunningBottle bottle = launch();
        String url = "https://" + HOST + ":" + upstream.port() + "/echo";
        assertThat(curl(bottle, url).stdoutText()).isEqualTo("200");
        upstream.take();
        String holder = holder();
        String program = "bb-" + slug + ".gateway-program";
        String first = inspect(program, "{{.Id}}");

        runtime.stop(slug);
        assertThat(Docker.run("docker", "container", "inspect", program).exitCode())
                .as("the program's container ends with the bottle's gateway").isNotZero();
        assertThat(inspect(holder, "{{.State.Running}}")).isEqualTo("true");

        // resumed in another mode, its gateway would listen on the holder's address: refused with the fix, kept
        try (BottleRuntime inProcess = BottleRuntime.builder().host(host()).plugins(Plugins.builder().build())
                .backendOption("docker.gateway", "in-process").build()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> inProcess.resume(slug))
                    .hasMessageContaining("launched with docker.gateway=container")
                    .hasMessageContaining("BOT_BOTTLE_GATEWAY_MODE=container");
        }

        RunningBottle resumed = runtime.resume(slug);
        assertThat(curl(resumed, url).stdoutText()).isEqualTo("200");
        assertThat(upstream.take().headers().get("authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(inspect(program, "{{.Id}}")).isNotEqualTo(first);
    }

    @Test
    void theGitGateInTheContainerClonesAndPushesThroughItsOwnKeyWhichTheBottleNeverSees() throws IOException {
        Optional<String> why = SshUpstream.unavailable();
        if (why.isPresent()) {
            System.out.println("SKIPPED: " + why.get());
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(why.isEmpty(), why.orElse(""));
        try (SshUpstream ssh = SshUpstream.start(hostAddress)) {
            String url = ssh.createRepo("widgets");
            SshUpstream.ClientKey key = ssh.newClientKey("gate");
            ssh.authorize(key.publicLine());
            Manifests.write(home, "bottles/gitted.md", """
                    ---
                    image: %s
                    agent_provider: {template: shell}
                    git:
                      user: {name: Container Agent, email: agent@bottle.test}
                      remotes:
                        origin:
                          url: %s
                          identity: %s
                          host_key: %s
                    ---
                    """.formatted(Docker.BASE_IMAGE, url, key.privateKey(), ssh.hostKey()));
            Manifests.write(home, "agents/coder.md", "---\nbottle: gitted\n---\nPush.\n");
            RunningBottle bottle = launch("coder");

            // control and goal at once: the clone and the push go through the gate in the container to sshd
            ExecResult r = bottle.exec("bash", "-c", "set -e; cd ~; git clone -q \"$0\" w; cd w; cat README.md;"
                    + " echo x > x; git add x; git commit -q -m x; git push -q origin main 2>&1; git rev-parse HEAD",
                    url);
            assertThat(r.exitCode()).as(r.stdoutText() + r.stderrText()).isZero();
            String pushed = r.stdoutText().strip().lines().reduce((a, b) -> b).orElseThrow();
            assertThat(r.stdoutText()).startsWith("# widgets");
            assertThat(ssh.ref("widgets", "refs/heads/main")).contains(pushed);
            ExecResult key2 = bottle.exec("sh", "-c", "grep -rl 'PRIVATE KEY' ~ /etc /tmp 2>/dev/null; true");
            assertThat(key2.stdoutText()).as("no private key in the bottle").isBlank();
        }
    }

    @Test
    void aProposalFromTheBottleReachesTheRuntimesDeskThroughTheContainer() {
        RunningBottle bottle = launch();
        EgressControl egress = bottle.gateway(GatewayServiceProvider.EGRESS, EgressControl.class).orElseThrow();
        // control: the host is not allowed yet
        ExecResult refused = curl(bottle, "https://wanted.example.test/");
        assertThat(refused.stdoutText() + refused.stderrText()).contains("403");

        var reach = runtime.state().readMetadata(slug).orElseThrow().reach();
        String url = bottle.gateway(GatewayServiceProvider.SUPERVISE, SuperviseService.class).orElseThrow()
                .endpoint(reach).url();
        assertThat(url).contains(reach.bottleAddress());
        ExecResult answer = McpCurl.call(bottle, url, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"egress-block\",\"arguments\":{\"host\":\"wanted.example.test\","
                + "\"methods\":[\"GET\"],\"justification\":\"the task needs it\"}}}");
        assertThat(answer.stdoutText()).as(answer.stderrText()).contains("APPROVED").contains("granted for the test");
        assertThat(egress.routes()).extracting(dev.botbottle.spi.EgressRoute::host)
                .contains(HOST, "wanted.example.test");
    }

    private String holder() {
        return "bb-" + slug + ".gateway";
    }

    private static String inspect(String container, String format) {
        Docker.Result r = Docker.run("docker", "container", "inspect", "--format", format, container);
        assertThat(r.exitCode()).as(r.out()).isZero();
        return r.out().strip();
    }

    private RunningBottle launch() {
        return launch("worker");
    }

    private RunningBottle launch(String agent) {
        Manifest manifest = ManifestLoader.forHome(home).loadStrict();
        BottlePlan plan = new Planner(Plugins.builder().build(), host()).plan(manifest, agent, "docker",
                Optional.empty());
        slug = plan.slug();
        return runtime.launch(plan, LaunchOptions.DEFAULTS);
    }

    /** curl as the agent, through the bottle's proxy. */
    private static ExecResult curl(RunningBottle bottle, String url) {
        return bottle.exec("curl", "-sS", "--max-time", "30", "-o", "/dev/null", "-w", "%{http_code}", url);
    }

    private HostEnvironment host() {
        return new HostEnvironment(home, home, Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                "GWC_TOKEN", TOKEN));
    }
}
