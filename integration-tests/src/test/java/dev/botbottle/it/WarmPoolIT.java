package dev.botbottle.it;

import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.manifest.ManifestLoader;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.runtime.BottleListener;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchPhase;
import dev.botbottle.core.runtime.LaunchRequest;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.core.runtime.WarmPool;
import dev.botbottle.core.state.BottleMetadata;
import dev.botbottle.egress.EgressOptions;
import dev.botbottle.egress.testing.LoopbackUpstream;
import dev.botbottle.egress.testing.TestPki;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.CredentialException;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.Secret;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The warm pool on the real Docker engine: what a pooled bottle holds before it is claimed, what a claim binds, single
 * use, refill, and teardown with the pool and the runtime.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WarmPoolIT {

    static final String OPEN = "open.example.test";
    static final String API = "api.example.test";
    static final String TOKEN = "pool-real-" + UUID.randomUUID().toString().replace("-", "");
    static final Duration FILL = Duration.ofMinutes(3);

    private Path home;
    private LoopbackUpstream upstream;
    private Path upstreamCa;
    private Plugins plugins;
    private Manifest manifest;
    /** The host's credentials, which a test may take away. */
    private final Map<String, String> vault = new ConcurrentHashMap<>();
    private final List<String> claims = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() throws IOException {
        Docker.assumeEngine();
        home = Files.createTempDirectory("pool-it");
        Manifests.write(home, "bottles/pooled.md", """
                ---
                image: %s
                agent_provider: {template: shell}
                supervise: false
                egress:
                  routes:
                    - host: %s
                    - host: %s
                      auth: {scheme: Bearer, token_ref: POOL_TOKEN}
                ---
                """.formatted(Docker.BASE_IMAGE, OPEN, API));
        Manifests.write(home, "agents/pool-agent.md", "---\nbottle: pooled\n---\nWork from the pool.\n");
        Manifests.write(home, "agents/other-agent.md", "---\nbottle: pooled\n---\nSomething else.\n");
        TestPki pki = TestPki.create("pool-it-upstream-ca");
        upstream = LoopbackUpstream.start(pki, List.of(OPEN, API), 4);
        upstreamCa = pki.writeCa(home);
        EgressOptions options = EgressOptions.defaults()
                .withResolver((host, port) -> new InetSocketAddress("127.0.0.1", upstream.port()));
        plugins = Plugins.builder().gateway(new LoopbackEgress(options)).build();
        manifest = ManifestLoader.forHome(home).loadStrict();
        vault.put("POOL_TOKEN", TOKEN);
    }

    @AfterAll
    void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aPooledBottleHoldsNoTaskUntilAClaimBindsTheRoutesCredentialsAndWorkspaceAndItIsNeverPooledAgain()
            throws Exception {
        Path workspace = Files.createTempDirectory(home, "ws");
        Files.writeString(workspace.resolve("task.txt"), "the task's file\n");
        try (BottleRuntime runtime = runtime()) {
            WarmPool pool = runtime.pool(LaunchRequest.of(manifest, "pool-agent"), 2);
            assertThat(pool.awaitFull(FILL)).as("filled: %s", pool.lastFailure()).isTrue();
            List<String> pooled = pool.slugs();
            assertThat(pooled).hasSize(2);
            for (String slug : pooled) {
                assertThat(runtime.state().readMetadata(slug).orElseThrow().status())
                        .isEqualTo(BottleMetadata.Status.POOLED);
            }

            // before the claim: the gateway and CA are in place, but no route, credential or workspace
            RunningBottle waiting = runtime.attach(pooled.get(0));
            assertThat(waiting.exec("cat", "PROMPT.md").stdoutText()).as("the agent's files are there")
                    .isEqualTo("Work from the pool.");
            ExecResult refused = curl(waiting, "https://" + OPEN + "/");
            assertThat(refused.exitCode()).as("no route is in force yet: %s", refused.stderrText()).isNotZero();
            assertThat(refused.stdoutText()).isNotEqualTo("ok");
            assertThat(waiting.exec("test", "-e", "workspace").exitCode()).as("no workspace yet").isNotZero();
            assertThat(waiting.exec("sh", "-c", "env; cat /etc/profile.d/bot-bottle.sh").stdoutText())
                    .doesNotContain(TOKEN);
            upstream.drain();

            try (RunningBottle claimed = runtime.launch(LaunchRequest.builder(manifest, "pool-agent")
                    .workspace(workspace).build())) {
                assertThat(pooled).as("the launch was served by the pool").contains(claimed.slug());
                assertThat(claims).containsExactly(claimed.slug());
                assertThat(curl(claimed, "https://" + OPEN + "/").stdoutText()).as("control: a route now passes")
                        .isEqualTo("ok");
                assertThat(curl(claimed, "https://" + API + "/v1/me").exitCode()).isZero();
                assertThat(upstream.drain()).filteredOn(r -> r.path().equals("/v1/me")).singleElement()
                        .satisfies(r -> assertThat(r.headers().get("authorization")).isEqualTo("Bearer " + TOKEN));
                assertThat(claimed.exec("cat", "workspace/task.txt").stdoutText()).isEqualTo("the task's file\n");
                assertThat(claimed.exec("sh", "-c", "env").stdoutText()).doesNotContain(TOKEN);
                assertThat(runtime.state().readMetadata(claimed.slug()).orElseThrow().status())
                        .isEqualTo(BottleMetadata.Status.RUNNING);

                assertThat(pool.slugs()).as("a claimed bottle is not in the pool").doesNotContain(claimed.slug());
                assertThat(pool.awaitFull(FILL)).as("refilled: %s", pool.lastFailure()).isTrue();
                assertThat(pool.slugs()).hasSize(2).doesNotContain(claimed.slug());
            }
            assertThat(Docker.containers(claims.get(0))).as("the claimed bottle is torn down on close").isEmpty();
            List<String> left = pool.slugs();
            pool.close();
            for (String slug : left) {
                assertThat(Docker.containers(slug)).as("closing the pool tears down %s", slug).isEmpty();
                assertThat(runtime.state().readMetadata(slug)).isEmpty();
            }
            assertThat(runtime.pools()).isEmpty();
        }
    }

    @Test
    void aLaunchOfAnotherAgentOrWithALabelIsNotServedAndClosingTheRuntimeTearsThePoolDown() throws Exception {
        List<String> pooled;
        try (BottleRuntime runtime = runtime()) {
            WarmPool pool = runtime.pool(LaunchRequest.of(manifest, "pool-agent"), 1);
            assertThat(pool.awaitFull(FILL)).as("filled: %s", pool.lastFailure()).isTrue();
            pooled = pool.slugs();
            try (RunningBottle other = runtime.launch(LaunchRequest.of(manifest, "other-agent"))) {
                assertThat(pooled).doesNotContain(other.slug());
            }
            String label = "pool-label-" + UUID.randomUUID().toString().substring(0, 6);
            try (RunningBottle labelled = runtime.launch(LaunchRequest.builder(manifest, "pool-agent").label(label)
                    .build())) {
                assertThat(labelled.slug()).isEqualTo(label);
            }
            assertThat(pool.slugs()).isEqualTo(pooled);
            assertThat(claims).as("only direct launches").isEmpty();
        }
        assertThat(Docker.containers(pooled.get(0))).as("the runtime's close tears the pool down").isEmpty();
        assertThat(home.resolve("state").resolve(pooled.get(0))).doesNotExist();
    }

    @Test
    void aClaimWhoseCredentialIsMissingFailsAndItsBottleIsRemovedNotReturned() throws Exception {
        try (BottleRuntime runtime = runtime()) {
            WarmPool pool = runtime.pool(LaunchRequest.of(manifest, "pool-agent"), 1);
            assertThat(pool.awaitFull(FILL)).as("filled: %s", pool.lastFailure()).isTrue();
            String slug = pool.slugs().get(0);
            vault.remove("POOL_TOKEN");
            try {
                assertThatThrownBy(() -> runtime.launch(LaunchRequest.of(manifest, "pool-agent")))
                        .isInstanceOf(CredentialException.class).hasMessageContaining("POOL_TOKEN")
                        .hasMessageNotContaining(TOKEN);
            } finally {
                vault.put("POOL_TOKEN", TOKEN);
            }
            assertThat(Docker.containers(slug)).isEmpty();
            assertThat(pool.slugs()).doesNotContain(slug);
            assertThat(pool.awaitFull(FILL)).as("refilled: %s", pool.lastFailure()).isTrue();
        }
    }

    @Test
    void anAgentWithGitRemotesOrAnEmptyPoolIsRefusedWithTheReason() throws IOException {
        Manifests.write(home, "bottles/remote.md", """
                ---
                image: %s
                agent_provider: {template: shell}
                git:
                  remotes:
                    origin:
                      url: ssh://git@forge.example.test/team/repo.git
                      identity: /nonexistent/key
                      host_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl
                ---
                """.formatted(Docker.BASE_IMAGE));
        Manifests.write(home, "agents/remote-agent.md", "---\nbottle: remote\n---\n");
        Manifest withRemote = ManifestLoader.forHome(home).loadStrict();
        try (BottleRuntime runtime = runtime()) {
            assertThatThrownBy(() -> runtime.pool(LaunchRequest.of(withRemote, "remote-agent"), 1))
                    .isInstanceOf(BottleException.class).hasMessageContaining("git remotes")
                    .hasMessageContaining("without a pool");
            assertThatThrownBy(() -> runtime.pool(LaunchRequest.of(manifest, "pool-agent"), 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
            assertThat(runtime.pools()).isEmpty();
        } finally {
            Files.delete(home.resolve("bottles/remote.md"));
            Files.delete(home.resolve("agents/remote-agent.md"));
        }
    }

    private BottleRuntime runtime() {
        claims.clear();
        CredentialSource source = ref -> Optional.ofNullable(vault.get(ref)).map(Secret::of);
        return BottleRuntime.builder().host(new HostEnvironment(home, home,
                        Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"))))
                .plugins(plugins).credentials(source).extraCaFile(upstreamCa)
                .listener(new BottleListener() {
                    @Override
                    public void phase(String slug, LaunchPhase phase, Duration took) {
                        if (phase == LaunchPhase.CLAIM) {
                            claims.add(slug);
                        }
                    }
                }).build();
    }

    private static ExecResult curl(RunningBottle bottle, String... args) {
        List<String> argv = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        argv.addAll(List.of(args));
        return bottle.exec(argv.toArray(String[]::new));
    }
}
