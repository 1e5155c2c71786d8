package dev.botbottle.core.plugin;

import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.PluginException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginRegistryTests {

    private final ClassLoader loader = getClass().getClassLoader();

    @Test
    void discoversPluginsThroughServiceLoader() {
        Plugins plugins = Plugins.builder().classLoader(loader).build();
        assertThat(plugins.backends().all()).containsKey("beta");
        assertThat(plugins.agents().all()).containsKey("shell");
    }

    @Test
    void aBrokenPluginIsReportedAndDoesNotHideTheOthers() {
        PluginRegistry<BackendProvider> backends = Plugins.builder().classLoader(loader).build().backends();
        assertThat(backends.all()).containsKey("beta").doesNotContainKey("broken");
        assertThat(backends.problems()).anySatisfy(p -> assertThat(p)
                .startsWith("a backend plugin could not be loaded:").contains("TestBackends$Broken"));
    }

    @Test
    void twoDiscoveredPluginsWithOneNameAreReportedNamingBothClassesAndNeitherIsUsed() {
        PluginRegistry<BackendProvider> backends = Plugins.builder().classLoader(loader).build().backends();
        assertThat(backends.problems()).contains("two backends claim the name 'alpha': "
                + TestBackends.Alpha.class.getName() + " and " + TestBackends.AlphaImpostor.class.getName()
                + "; neither is used until one jar is removed or the host registers one explicitly");
        assertThat(backends.all()).doesNotContainKey("alpha");
        assertThatThrownBy(() -> backends.get("alpha")).isInstanceOf(PluginException.class)
                .hasMessageContaining(TestBackends.AlphaImpostor.class.getName())
                .hasMessageContaining("remove one of their jars");
    }

    @Test
    void anExplicitPluginWinsOverADiscoveredOne() {
        TestBackends.Explicit mine = new TestBackends.Explicit("alpha");
        Plugins plugins = Plugins.builder().classLoader(loader).backend(mine).build();
        assertThat(plugins.backends().get("alpha")).isSameAs(mine);
    }

    @Test
    void twoExplicitPluginsWithOneNameAreRejected() {
        assertThatThrownBy(() -> PluginRegistry.load(BackendProvider.class, "backend", BackendProvider::name,
                List.of(new TestBackends.Explicit("x"), new TestBackends.Explicit("x")), null))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("two backends registered under the name 'x'");
    }

    @Test
    void discoveryCanBeTurnedOff() {
        Plugins plugins = Plugins.builder().discovery(false).backend(new TestBackends.Explicit("only")).build();
        assertThat(plugins.backends().all()).containsOnlyKeys("only");
        assertThat(plugins.agents().all()).isEmpty();
    }

    @Test
    void anUnknownNameListsTheAvailableOnes() {
        Plugins plugins = Plugins.builder().discovery(false).backend(new TestBackends.Explicit("docker"))
                .backend(new TestBackends.Explicit("smolvm")).build();
        assertThatThrownBy(() -> plugins.backends().get("podman"))
                .isInstanceOf(PluginException.class)
                .hasMessage("unknown backend 'podman'; available: docker, smolvm");
    }

    @Test
    void anUnknownNameWithNothingAvailableSaysSo() {
        Plugins plugins = Plugins.builder().discovery(false).build();
        assertThatThrownBy(() -> plugins.agents().get("claude"))
                .hasMessage("unknown agent provider 'claude'; available: none (is the plugin jar on the class path?)");
    }
}
