package dev.botbottle.core.runtime;

import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.manifest.ManifestLoader;
import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plan.Planner;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.spi.Availability;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendPlan;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.BottleBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** What makes a launch match a warm pool: the agent definition and the options, never the slug. */
class WarmPoolKeyTests {

    @TempDir
    Path home;

    private Planner planner;
    private Manifest manifest;

    @BeforeEach
    void setUp() throws IOException {
        BottleBackend backend = mock(BottleBackend.class);
        // like Docker's: the backend names its objects after the slug
        when(backend.describe(any())).thenAnswer(call -> new BackendPlan("fake",
                Map.of("network", "net-" + ((dev.botbottle.spi.BottleSpec) call.getArgument(0)).slug())));
        BackendProvider provider = new BackendProvider() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public Availability availability() {
                return Availability.ok();
            }

            @Override
            public BottleBackend create(BackendContext context) {
                return backend;
            }
        };
        Plugins plugins = Plugins.builder().discovery(false).backend(provider)
                .agent(new dev.botbottle.core.internal.ShellAgentProvider()).build();
        write("bottles/base.md", "---\nimage: example/base:1\nagent_provider: {template: shell}\nenv: {A: one}\n---\n");
        write("agents/worker.md", "---\nbottle: base\n---\nWork.\n");
        write("agents/other.md", "---\nbottle: base\n---\nSomething else.\n");
        manifest = ManifestLoader.forHome(home).loadStrict();
        planner = new Planner(plugins, new HostEnvironment(home, home, Map.of()));
    }

    @Test
    void twoPlansOfTheSameAgentHaveTheSameKeyThoughTheirSlugsDiffer() {
        BottlePlan one = plan("worker");
        BottlePlan two = plan("worker");
        assertThat(one.slug()).isNotEqualTo(two.slug());
        assertThat(WarmPool.key(one, LaunchOptions.DEFAULTS)).isEqualTo(WarmPool.key(two, LaunchOptions.DEFAULTS));
    }

    @Test
    void theWorkspaceDoesNotCountButTheIsolationAndCaOptionsDo() {
        BottlePlan plan = plan("worker");
        String key = WarmPool.key(plan, LaunchOptions.DEFAULTS);
        assertThat(WarmPool.key(plan, LaunchOptions.DEFAULTS.withWorkspace(home))).isEqualTo(key);
        assertThat(WarmPool.key(plan, new LaunchOptions(Optional.empty(), true, false))).isNotEqualTo(key);
        assertThat(WarmPool.key(plan, new LaunchOptions(Optional.empty(), false, true))).isNotEqualTo(key);
    }

    @Test
    void anotherAgentOrAChangedDefinitionHasAnotherKey() throws IOException {
        String key = WarmPool.key(plan("worker"), LaunchOptions.DEFAULTS);
        assertThat(WarmPool.key(plan("other"), LaunchOptions.DEFAULTS)).isNotEqualTo(key);
        write("bottles/base.md", "---\nimage: example/base:1\nagent_provider: {template: shell}\nenv: {A: two}\n---\n");
        manifest = ManifestLoader.forHome(home).loadStrict();
        assertThat(WarmPool.key(plan("worker"), LaunchOptions.DEFAULTS)).isNotEqualTo(key);
    }

    private BottlePlan plan(String agent) {
        return planner.plan(manifest, agent, "fake", Optional.empty());
    }

    private void write(String relative, String text) throws IOException {
        Path file = home.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
