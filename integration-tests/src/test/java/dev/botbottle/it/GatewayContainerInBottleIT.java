package dev.botbottle.it;

import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.gitgate.testing.SshUpstream;
import dev.botbottle.spi.ExecResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

import static dev.botbottle.it.GatewayModeBottles.curl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    private GatewayModeBottles bottles;
    private String hostAddress;
    private String url;

    @BeforeEach
    void setUp() throws IOException {
        Docker.assumeEngine();
        hostAddress = Docker.defaultBridgeAddress();
        bottles = new GatewayModeBottles(home, "container", HOST, hostAddress, TOKEN);
        url = "https://" + HOST + ":" + bottles.upstream.port() + "/echo";
    }

    @AfterEach
    void tearDown() {
        if (bottles != null) {
            bottles.close();
        }
    }

    @Test
    void theBottleReachesItsAllowedHostThroughTheGatewayContainerAndNothingOfTheHost() {
        RunningBottle bottle = bottles.launch("worker");
        String slug = bottles.slug();
        // control: the allowed host answers, with the real token injected by the gateway in its container
        bottles.assertTheRouteWorksAndAnotherHostIsRefused(bottle, url);

        // the bottle's gateway address is the holder's on the bottle's network, not the host's bridge address
        String gateway = bottles.runtime.state().readMetadata(slug).orElseThrow().reach().bottleAddress();
        assertThat(gateway).isEqualTo(inspect(holder(), "{{with index .NetworkSettings.Networks \"bb-" + slug
                + "\"}}{{.IPAddress}}{{end}}"));
        // the same upstream, dialled straight from the bottle, is on the host: refused by the host firewall chain
        ExecResult direct = bottle.exec("curl", "-sS", "-k", "--max-time", "10", "--noproxy", "*", "-o", "/dev/null",
                "-w", "%{http_code}", "https://" + hostAddress + ":" + bottles.upstream.port() + "/echo");
        assertThat(direct.exitCode()).as(direct.stdoutText()).isNotZero();
        assertThat(bottles.upstream.drain()).isEmpty();

        // the program's container holds no secret in its command line or environment, and runs with no capability
        String program = program();
        String config = inspect(program, "{{json .Config.Env}} {{json .Config.Cmd}} {{json .Args}}");
        assertThat(config).contains("dev.botbottle.gateway.GatewayMain").doesNotContain(TOKEN)
                .doesNotContain(GatewayModeBottles.TOKEN_VARIABLE);
        assertThat(inspect(program, "{{json .HostConfig.CapDrop}} {{.HostConfig.ReadonlyRootfs}}"))
                .contains("ALL").contains("true");

        String holder = holder();
        bottles.teardown();
        assertThat(Docker.run("docker", "container", "inspect", program).exitCode()).isNotZero();
        assertThat(Docker.run("docker", "container", "inspect", holder).exitCode()).isNotZero();
    }

    @Test
    void aStoppedBottleKeepsItsGatewayAddressAndResumesWithANewProgram() {
        RunningBottle bottle = bottles.launch("worker");
        String slug = bottles.slug();
        assertThat(curl(bottle, url).stdoutText()).isEqualTo("200");
        bottles.upstream.take();
        String first = inspect(program(), "{{.Id}}");

        bottles.runtime.stop(slug);
        assertThat(Docker.run("docker", "container", "inspect", program()).exitCode())
                .as("the program's container ends with the bottle's gateway").isNotZero();
        assertThat(inspect(holder(), "{{.State.Running}}")).isEqualTo("true");

        // resumed in another mode, its gateway would listen on the holder's address: refused with the fix, kept
        try (BottleRuntime inProcess = bottles.runtime("in-process")) {
            assertThatThrownBy(() -> inProcess.resume(slug))
                    .hasMessageContaining("launched with docker.gateway=container")
                    .hasMessageContaining("BOT_BOTTLE_GATEWAY_MODE=container");
        }

        RunningBottle resumed = bottles.runtime.resume(slug);
        assertThat(curl(resumed, url).stdoutText()).isEqualTo("200");
        assertThat(bottles.upstream.take().headers().get("authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(inspect(program(), "{{.Id}}")).isNotEqualTo(first);
    }

    @Test
    void theGitGateInTheContainerClonesAndPushesThroughItsOwnKeyWhichTheBottleNeverSees() throws IOException {
        Optional<String> why = SshUpstream.unavailable();
        if (why.isPresent()) {
            System.out.println("SKIPPED: " + why.get());
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(why.isEmpty(), why.orElse(""));
        try (SshUpstream ssh = SshUpstream.start(hostAddress)) {
            String repo = ssh.createRepo("widgets");
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
                    """.formatted(Docker.BASE_IMAGE, repo, key.privateKey(), ssh.hostKey()));
            Manifests.write(home, "agents/coder.md", "---\nbottle: gitted\n---\nPush.\n");
            RunningBottle bottle = bottles.launch("coder");

            // control and goal at once: the clone and the push go through the gate in the container to sshd
            ExecResult r = bottle.exec("bash", "-c", "set -e; cd ~; git clone -q \"$0\" w; cd w; cat README.md;"
                    + " echo x > x; git add x; git commit -q -m x; git push -q origin main 2>&1; git rev-parse HEAD",
                    repo);
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
        bottles.assertAProposalWidensTheRoutes(bottles.launch("worker"), HOST);
    }

    private String holder() {
        return "bb-" + bottles.slug() + ".gateway";
    }

    private String program() {
        return "bb-" + bottles.slug() + ".gateway-program";
    }

    private static String inspect(String container, String format) {
        Docker.Result r = Docker.run("docker", "container", "inspect", "--format", format, container);
        assertThat(r.exitCode()).as(r.out()).isZero();
        return r.out().strip();
    }
}
