package dev.botbottle.it;

import dev.botbottle.backend.smolvm.testdouble.SmolvmDoubleLauncher;
import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.manifest.ManifestLoader;
import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plan.Planner;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchOptions;
import dev.botbottle.core.runtime.RunningBottle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bottle launched on smolvm (the smolvm TEST DOUBLE here: no KVM) resumes on smolvm from its metadata, whatever
 * {@code BOT_BOTTLE_BACKEND} says, through the whole runtime (egress gateway and its DNS responder on the bottle's
 * own host address, provisioning through the smolvm handle).
 */
class SmolvmResumeIT {

    @TempDir
    Path home;

    private final List<String> slugs = new ArrayList<>();
    private BottleRuntime runtime;

    @BeforeAll
    static void useTheSmolvmDouble() {
        Docker.assumeEngine();
        boolean firewall = Docker.run("iptables", "-w", "-S", "INPUT").exitCode() == 0;
        if (!firewall) {
            System.out.println("SKIPPED: iptables cannot be used (the smolvm backend needs root for its host address)");
        }
        Assumptions.assumeTrue(firewall, "iptables cannot be used (run as root)");
        SmolvmDoubleLauncher.install();
    }

    @AfterAll
    static void useTheRealSmolvmAgain() {
        SmolvmDoubleLauncher.uninstall();
    }

    @BeforeEach
    void manifests() throws IOException {
        Manifests.write(home, "bottles/plain.md", """
                ---
                image: %s
                agent_provider: {template: shell}
                env:
                  GREETING: hello from the manifest
                ---
                """.formatted(Docker.BASE_IMAGE));
        Manifests.write(home, "agents/worker.md", "---\nbottle: plain\n---\nDo the work.\n");
    }

    @AfterEach
    void tearDown() {
        if (runtime != null) {
            for (String slug : slugs) {
                try {
                    runtime.teardown(slug);
                } catch (RuntimeException ignored) {
                    // the test already removed it, or failed
                }
            }
            runtime.close();
        }
    }

    @ParameterizedTest(name = "BOT_BOTTLE_BACKEND={0}")
    @ValueSource(strings = {"", "docker"})
    void aSmolvmBottleResumesOnSmolvmFromItsMetadata(String backendVariable) {
        runtime = BottleRuntime.builder().host(host(Map.of())).plugins(Plugins.discover()).build();
        Manifest manifest = ManifestLoader.forHome(home).loadStrict();
        BottlePlan plan = new Planner(Plugins.discover(), host(Map.of())).plan(manifest, "worker", "smolvm",
                Optional.empty());
        slugs.add(plan.slug());
        RunningBottle bottle = runtime.launch(plan, LaunchOptions.DEFAULTS);
        bottle.exec("sh", "-c", "echo kept > state.txt");
        assertThat(runtime.state().readMetadata(plan.slug()).orElseThrow().backend()).isEqualTo("smolvm");
        assertThat(Docker.run("docker", "inspect", "-f", "{{.State.Running}}", "smolvm-double-bb-" + plan.slug())
                .out().strip()).isEqualTo("true");
        runtime.stop(plan.slug());
        assertThat(Docker.run("docker", "inspect", "-f", "{{.State.Running}}", "smolvm-double-bb-" + plan.slug())
                .out().strip()).isEqualTo("false");

        Map<String, String> env = backendVariable.isEmpty() ? Map.of() : Map.of("BOT_BOTTLE_BACKEND", backendVariable);
        assertThat(host(env).environment().containsKey("BOT_BOTTLE_BACKEND")).isEqualTo(!backendVariable.isEmpty());
        try (BottleRuntime other = BottleRuntime.builder().host(host(env)).plugins(Plugins.discover()).build()) {
            RunningBottle resumed = other.resume(plan.slug());
            assertThat(resumed.exec("cat", "state.txt").stdoutText()).isEqualTo("kept\n");
            assertThat(resumed.exec("sh", "-c", "echo $GREETING").stdoutText().strip())
                    .isEqualTo("hello from the manifest");
            // the egress gateway listens on the bottle's own host address and answers it: no route for this host
            String proxy = resumed.exec("sh", "-c", "echo $HTTPS_PROXY").stdoutText().strip();
            assertThat(proxy).contains("198.1");
            assertThat(resumed.exec("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://example.com/")
                    .stdoutText()).isEqualTo("403");
            assertThat(resumed.exec("getent", "hosts", "example.com").exitCode()).isEqualTo(2);
            assertThat(Docker.containers(plan.slug())).isEmpty();
            other.teardown(plan.slug());
        }
        assertThat(Docker.run("docker", "inspect", "smolvm-double-bb-" + plan.slug()).exitCode()).isNotZero();
        assertThat(home.resolve("state").resolve(plan.slug())).doesNotExist();
    }

    private HostEnvironment host(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        return new HostEnvironment(home, home, env);
    }
}
