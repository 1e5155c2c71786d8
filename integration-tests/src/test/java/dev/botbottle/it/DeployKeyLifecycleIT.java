package dev.botbottle.it;

import dev.botbottle.contrib.gitea.GiteaDouble;
import dev.botbottle.core.manifest.ManifestLoader;
import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plan.Planner;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchOptions;
import dev.botbottle.core.runtime.PendingDeployKey;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.gitgate.testing.SshUpstream;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A provisioned deploy key end to end through the runtime, on the real Docker engine: the key is generated at
 * launch, registered through the real {@code gitea} provisioner on a {@link GiteaDouble} whose keys are the real
 * OpenSSH upstream's authorized keys, used by the git gate for the bottle's push, and deleted at teardown — after
 * which the upstream refuses it. A delete the forge cannot do fails the teardown and a later cleanup retries it.
 */
class DeployKeyLifecycleIT {

    static final String TOKEN = "gitea-double-token-" + UUID.randomUUID();

    @TempDir
    Path home;

    private SshUpstream upstream;
    private GiteaDouble gitea;
    private BottleRuntime runtime;
    private String prefix;
    private final List<String> slugs = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        Docker.assumeEngine();
        Optional<String> why = SshUpstream.unavailable();
        if (why.isPresent()) {
            System.out.println("SKIPPED: " + why.get());
        }
        Assumptions.assumeTrue(why.isEmpty(), why.orElse(""));
        upstream = SshUpstream.start();
        gitea = GiteaDouble.start(TOKEN, new GiteaDouble.KeySink() {
            @Override
            public void added(String publicKey) throws IOException {
                upstream.authorize(publicKey);
            }

            @Override
            public void removed(String publicKey) throws IOException {
                upstream.revoke(publicKey);
            }
        }).repository("acme/widgets");
        String url = upstream.createRepo("widgets");
        prefix = "dk" + UUID.randomUUID().toString().substring(0, 4);
        Manifests.write(home, "bottles/keyed.md", """
                ---
                image: %s
                agent_provider: {template: shell}
                supervise: false
                git:
                  user: {name: Keyed Agent, email: keyed@bottle.test}
                  remotes:
                    origin:
                      url: %s
                      provisioned_key: {provider: gitea, api_url: "%s", repository: acme/widgets, token_env: GITEA_TEST_TOKEN}
                      host_key: %s
                ---
                """.formatted(Docker.BASE_IMAGE, url, gitea.url(), upstream.hostKey()));
        Manifests.write(home, "agents/keyed-agent.md", "---\nbottle: keyed\n---\nPush things.\n");
        runtime = BottleRuntime.builder().host(host()).plugins(plugins()).build();
    }

    @AfterEach
    void tearDown() {
        if (gitea != null) {
            gitea.failDeletesWith(0);
        }
        if (runtime != null) {
            for (String slug : slugs) {
                try {
                    runtime.teardown(slug);
                } catch (RuntimeException ignored) {
                    // removed by the test already
                }
            }
            runtime.close();
        }
        if (gitea != null) {
            gitea.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private HostEnvironment host() {
        return new HostEnvironment(home, home, Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                "GITEA_TEST_TOKEN", TOKEN));
    }

    private Plugins plugins() {
        return Plugins.builder().backend(new OwnBottlesDocker(prefix)).build();
    }

    private BottlePlan plan() {
        BottlePlan plan = new Planner(plugins(), host()).plan(ManifestLoader.forHome(home).loadStrict(), "keyed-agent",
                "docker", Optional.of(prefix + "-" + UUID.randomUUID().toString().substring(0, 5)));
        slugs.add(plan.slug());
        return plan;
    }

    private static ExecResult push(RunningBottle bottle, String file) {
        return bottle.exec(ExecRequest.of("bash", "-c", "set -e; cd ~; rm -rf w; git clone -q " + "\"$0\" w; cd w;"
                + " echo " + file + " > " + file + "; git add .; git commit -q -m " + file + "; git push -q origin main 2>&1;"
                + " git rev-parse HEAD", bottle.plan().remotes().get(0).url()).withEnv(Map.of("GIT_TERMINAL_PROMPT", "0")));
    }

    @Test
    void thePushWorksWhileTheKeyIsRegisteredAndTheUpstreamRefusesTheKeyAfterTeardown() throws IOException {
        BottlePlan plan = plan();
        RunningBottle bottle = runtime.launch(plan, LaunchOptions.DEFAULTS);
        assertThat(gitea.keys()).singleElement().satisfies(k -> {
            assertThat(k.title()).isEqualTo(plan.slug());
            assertThat(k.readOnlySent()).isTrue();
        });
        ExecResult r = push(bottle, "registered.txt");
        assertThat(r.exitCode()).as(r.stdoutText() + r.stderrText()).isZero();
        String pushed = r.stdoutText().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(upstream.ref("widgets", "refs/heads/main")).contains(pushed);

        Path stateKey = home.resolve("state").resolve(plan.slug()).resolve("deploy-keys/origin.key");
        Path kept = home.resolve("kept.key");
        Files.copy(stateKey, kept);
        String body = Files.readAllLines(kept).get(2);
        ExecResult search = bottle.exec(ExecRequest.of("sh", "-c", "grep -rIl -F -e \"$0\" / --exclude-dir=proc"
                + " --exclude-dir=sys --exclude-dir=dev 2>/dev/null; cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n'"
                + " | grep -F -e \"$0\"; true", body).asUser("root"));
        assertThat(search.stdoutText()).as("the deploy key in the bottle").isEmpty();
        // control: the key works from the host while registered
        assertThat(upstream.gitDirect(kept, home, "ls-remote", plan.remotes().get(0).url()).code()).isZero();

        runtime.teardown(plan.slug());
        assertThat(gitea.keys()).isEmpty();
        assertThat(gitea.requests()).anyMatch(l -> l.startsWith("DELETE ") && l.endsWith(" 204"));
        SshUpstream.Result refused = upstream.gitDirect(kept, home, "ls-remote", plan.remotes().get(0).url());
        assertThat(refused.code()).isNotZero();
        assertThat(refused.out()).contains("Permission denied");
        assertThat(home.resolve("state").resolve(plan.slug())).doesNotExist();
    }

    @Test
    void aResumedBottlePushesThroughTheGateRestartedFromState() {
        BottlePlan plan = plan();
        RunningBottle bottle = runtime.launch(plan, LaunchOptions.DEFAULTS);
        assertThat(push(bottle, "before-stop.txt").exitCode()).isZero();
        runtime.stop(plan.slug());
        try (BottleRuntime other = BottleRuntime.builder().host(host()).plugins(plugins()).build()) {
            RunningBottle resumed = other.resume(plan.slug());
            ExecResult r = push(resumed, "after-resume.txt");
            assertThat(r.exitCode()).as(r.stdoutText() + r.stderrText()).isZero();
            String pushed = r.stdoutText().strip().lines().reduce((a, b) -> b).orElseThrow();
            assertThat(upstream.ref("widgets", "refs/heads/main")).contains(pushed);
            assertThat(gitea.keys()).hasSize(1);
            other.teardown(plan.slug());
        }
        assertThat(gitea.keys()).isEmpty();
    }

    @Test
    void aDeleteTheForgeCannotDoFailsTheTeardownKeepsTheKeyRecordedAndCleanupRetriesIt() {
        BottlePlan plan = plan();
        runtime.launch(plan, LaunchOptions.DEFAULTS);
        gitea.failDeletesWith(500);
        assertThatThrownBy(() -> runtime.teardown(plan.slug()))
                .isInstanceOf(BottleException.class)
                .hasMessageContaining("deploy key")
                .hasMessageContaining("HTTP 500")
                .hasMessageContaining("bottle cleanup")
                .hasMessageNotContaining(TOKEN);
        assertThat(Docker.containers(plan.slug())).as("the bottle itself is gone").isEmpty();
        assertThat(gitea.keys()).hasSize(1);
        assertThat(runtime.pendingDeployKeys()).extracting(PendingDeployKey::slug).containsExactly(plan.slug());
        assertThat(home.resolve("state").resolve(plan.slug())).exists();

        gitea.failDeletesWith(0);
        // a new process, as `bottle cleanup` would be
        try (BottleRuntime later = BottleRuntime.builder().host(host()).plugins(plugins()).build()) {
            assertThat(later.cleanup()).contains(plan.slug());
            assertThat(later.pendingDeployKeys()).isEmpty();
        }
        assertThat(gitea.keys()).isEmpty();
        assertThat(home.resolve("state").resolve(plan.slug())).doesNotExist();
    }
}
