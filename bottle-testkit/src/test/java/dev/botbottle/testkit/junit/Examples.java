package dev.botbottle.testkit.junit;

import dev.botbottle.core.manifest.AgentDef;
import dev.botbottle.core.manifest.AgentProviderConfig;
import dev.botbottle.core.manifest.BottleDef;
import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchRequest;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.testkit.doubles.FakeBackendProvider;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Test classes that {@link BottleExtensionTests} runs through the JUnit engine test kit (never on their own: their
 * names end in neither Tests nor IT). They launch on a {@link FakeBackendProvider}.
 */
final class Examples {

    static final FakeBackendProvider FAKE = new FakeBackendProvider();
    static final List<String> SEEN = new CopyOnWriteArrayList<>();
    static final String HOME = "src/test/resources/bot-bottle";

    private Examples() {
    }

    static void reset() {
        SEEN.clear();
    }

    static BottleRuntime.Builder fakeRuntime() {
        return BottleRuntime.builder().plugins(Plugins.builder().backend(FAKE).build()).watchdog(false);
    }

    static Manifest inCode() {
        return Manifest.of(List.of(BottleDef.builder("coded").image("bot-bottle/base:bookworm")
                        .agentProvider(AgentProviderConfig.of("shell", Map.of())).build()),
                List.of(AgentDef.of("maker", "coded", "Built in code.")));
    }

    @BottleTest
    static class FailingTest {
        @Bottled(home = HOME, agent = "worker", backend = "fake")
        RunningBottle bottle;

        @BottleRuntimeConfig
        static BottleRuntime.Builder runtime() {
            return fakeRuntime();
        }

        @Test
        void fails() {
            SEEN.add(bottle.slug());
            assertThat(bottle.slug()).isEqualTo("not what it is");
        }
    }

    @BottleTest
    static class SharedTest {
        @Bottled(home = HOME, agent = "worker", backend = "fake")
        static RunningBottle shared;

        @BottleRuntimeConfig
        static BottleRuntime.Builder runtime() {
            return fakeRuntime();
        }

        @Test
        void first() {
            SEEN.add(shared.slug());
        }

        @Test
        void second() {
            SEEN.add(shared.slug());
        }
    }

    @BottleTest
    static class PerTestTest {
        @Bottled(home = HOME, agent = "worker", backend = "fake")
        RunningBottle own;

        @BottleRuntimeConfig
        static BottleRuntime.Builder runtime() {
            return fakeRuntime();
        }

        @Test
        void first(@Bottled(request = "coded") RunningBottle parameter) {
            SEEN.add(own.slug());
            SEEN.add(parameter.slug() + " " + parameter.plan().agent());
        }

        @Test
        void second() {
            SEEN.add(own.slug());
        }

        LaunchRequest coded() {
            return LaunchRequest.builder(inCode(), "maker").backend("fake").build();
        }
    }

    @BottleTest
    static class WrongTypeTest {
        @Bottled(home = HOME, agent = "worker")
        String bottle;

        @Test
        void never() {
        }
    }

    @BottleTest
    static class BothWaysTest {
        @Bottled(home = HOME, agent = "worker", request = "coded")
        RunningBottle bottle;

        @Test
        void never() {
        }

        LaunchRequest coded() {
            return LaunchRequest.of(inCode(), "maker");
        }
    }

    @BottleTest
    static class NoWayTest {
        @Bottled
        RunningBottle bottle;

        @Test
        void never() {
        }
    }

    @BottleTest
    static class MissingMethodTest {
        @Bottled(request = "nowhere")
        RunningBottle bottle;

        @Test
        void never() {
        }
    }

    @BottleTest
    static class InstanceMethodForSharedTest {
        @Bottled(request = "coded")
        static RunningBottle shared;

        @Test
        void never() {
        }

        LaunchRequest coded() {
            return LaunchRequest.of(inCode(), "maker");
        }
    }

    @BottleTest
    static class FinalFieldTest {
        @Bottled(home = HOME, agent = "worker")
        static final RunningBottle SHARED = null;

        @Test
        void never() {
        }
    }

    @BottleTest
    static class MissingHomeTest {
        @Bottled(home = "src/test/resources/no-such-folder", agent = "worker")
        RunningBottle bottle;

        @Test
        void never() {
        }
    }

    @BottleTest
    static class WrongParameterTypeTest {
        @Test
        void never(@Bottled(home = HOME, agent = "worker") Integer bottle) {
        }
    }

    @BottleTest
    static class UnknownAgentTest {
        @Bottled(home = HOME, agent = "nobody", backend = "fake")
        RunningBottle bottle;

        @BottleRuntimeConfig
        static BottleRuntime.Builder runtime() {
            return fakeRuntime();
        }

        @Test
        void never() {
        }
    }

    @BottleTest
    static class TwoConfigsTest {
        @Bottled(home = HOME, agent = "worker", backend = "fake")
        RunningBottle bottle;

        @BottleRuntimeConfig
        static BottleRuntime.Builder one() {
            return fakeRuntime();
        }

        @BottleRuntimeConfig
        static BottleRuntime.Builder two() {
            return fakeRuntime();
        }

        @Test
        void never() {
        }
    }
}
