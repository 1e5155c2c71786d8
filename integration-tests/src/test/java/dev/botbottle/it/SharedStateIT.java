package dev.botbottle.it;

import dev.botbottle.core.manifest.ManifestLoader;
import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plan.Planner;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.BottleStatus;
import dev.botbottle.core.runtime.LaunchOptions;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.core.state.RecordStateStore;
import dev.botbottle.testkit.doubles.InMemoryStateRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bottle's state in records two hosts share (what {@code RecordStateStore} over the Kubernetes backend's
 * {@code ClusterStateRecords} gives): one host launches and stops the bottle, another — its own home, its own
 * runtime, nothing on its disk — lists, resumes, uses and removes it. The real Docker engine; the shared records are
 * {@link InMemoryStateRecords}, the test kit's DOUBLE of a cluster's ConfigMaps (those are tested against fabric8's mock API server in
 * bottle-backend-kubernetes).
 */
class SharedStateIT {

    @TempDir
    java.nio.file.Path hostA;
    @TempDir
    java.nio.file.Path hostB;

    private final InMemoryStateRecords shared = new InMemoryStateRecords();
    private BottleRuntime a;
    private BottleRuntime b;
    private String slug;

    @BeforeEach
    void setUp() throws java.io.IOException {
        Docker.assumeEngine();
        Manifests.write(hostA, "bottles/plain.md", """
                ---
                image: %s
                agent_provider: {template: shell}
                egress:
                  routes:
                    - host: registry.npmjs.org
                ---
                """.formatted(Docker.BASE_IMAGE));
        Manifests.write(hostA, "agents/worker.md", "---\nbottle: plain\n---\nDo the work.\n");
        a = runtime(hostA);
        b = runtime(hostB);
    }

    @AfterEach
    void tearDown() {
        if (slug != null && shared.read(slug, "metadata").isPresent()) {
            try {
                b.teardown(slug);
            } catch (RuntimeException ignored) {
                // the test failed before removing it; cleanup below ends the rest
            }
        }
        for (BottleRuntime r : new BottleRuntime[] {a, b}) {
            if (r != null) {
                r.close();
            }
        }
    }

    @Test
    void anotherHostListsResumesUsesAndRemovesABottleThisHostLaunched() {
        BottlePlan plan = new Planner(Plugins.discover(), host(hostA))
                .plan(ManifestLoader.forHome(hostA).loadStrict(), "worker", "docker", Optional.empty());
        slug = plan.slug();
        RunningBottle launched = a.launch(plan, LaunchOptions.DEFAULTS);
        assertThat(launched.exec("cat", "PROMPT.md").stdoutText()).as("control: host A's bottle works")
                .isEqualTo("Do the work.");
        assertThat(npmStatus(launched)).as("control: through host A's gateway").isEqualTo("200");
        a.stop(slug);

        assertThat(hostB.resolve("state")).doesNotExist();
        assertThat(b.list()).extracting(BottleStatus::slug).as("host B sees host A's bottle").contains(slug);

        RunningBottle resumed = b.resume(slug);
        assertThat(resumed.exec("cat", "PROMPT.md").stdoutText()).isEqualTo("Do the work.");
        assertThat(npmStatus(resumed)).as("through host B's gateway, trusted by the bottle").isEqualTo("200");
        assertThat(resumed.exec("sh", "-c", "curl -s -o /dev/null -w '%{http_connect}' https://example.com/")
                .stdoutText()).as("host B's gateway keeps the bottle's allow-list").isEqualTo("403");
        assertThat(hostB.resolve("state").resolve(slug)).as("host B's gateway keeps its keys on host B")
                .isDirectory();
        assertThat(a.list()).extracting(BottleStatus::slug).as("host A sees it too").contains(slug);
        b.teardown(slug);

        assertThat(shared.slugs()).as("removed on host B, gone for every host").doesNotContain(slug);
        assertThat(a.list()).extracting(BottleStatus::slug).doesNotContain(slug);
        assertThat(Docker.run("docker", "ps", "-aq", "--filter", "name=bb-" + slug).out().strip()).isEmpty();
    }

    private static String npmStatus(RunningBottle bottle) {
        return bottle.exec("sh", "-c", "curl -s -o /dev/null -w '%{http_code}' https://registry.npmjs.org/is-number")
                .stdoutText();
    }

    private BottleRuntime runtime(java.nio.file.Path home) {
        return BottleRuntime.builder().host(host(home)).plugins(Plugins.discover())
                .stateStore(new RecordStateStore(home, shared)).build();
    }

    private static HostEnvironment host(java.nio.file.Path home) {
        return new HostEnvironment(home, home, Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
    }
}
