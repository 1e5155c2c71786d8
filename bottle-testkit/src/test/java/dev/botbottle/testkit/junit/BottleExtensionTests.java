package dev.botbottle.testkit.junit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** The extension, run as users run it: test classes executed by the real JUnit engine, events asserted. */
class BottleExtensionTests {

    @BeforeEach
    void reset() {
        Examples.reset();
    }

    private static EngineExecutionResults run(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute();
    }

    /** @return what made the class or its tests fail, first found */
    private static Throwable failure(EngineExecutionResults results) {
        return results.allEvents().failed().stream().map(Event::getPayload)
                .map(p -> p.flatMap(o -> o instanceof TestExecutionResult r ? r.getThrowable() : Optional.empty()))
                .flatMap(Optional::stream).findFirst()
                .orElseThrow(() -> new AssertionError("nothing failed"));
    }

    private static Throwable rootOrConfiguration(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ExtensionConfigurationException) {
                return c;
            }
        }
        return t;
    }

    @Test
    void aFailingTestStillTearsItsBottleDown() {
        EngineExecutionResults results = run(Examples.FailingTest.class);
        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        assertThat(failure(results)).isInstanceOf(AssertionError.class).hasMessageContaining("not what it is");
        String slug = Examples.SEEN.get(0);
        assertThat(Examples.FAKE.calls()).contains("create " + slug, "teardown " + slug);
        assertThat(Examples.FAKE.slugs()).doesNotContain(slug);
    }

    @Test
    void aStaticFieldGetsOneBottleSharedByEveryTestOfTheClass() {
        run(Examples.SharedTest.class).testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(Examples.SEEN).hasSize(2);
        String slug = Examples.SEEN.get(0);
        assertThat(Examples.SEEN).containsOnly(slug);
        assertThat(Examples.FAKE.calls()).filteredOn(c -> c.endsWith(" " + slug))
                .containsExactly("prepare " + slug, "create " + slug, "start " + slug, "teardown " + slug);
    }

    @Test
    void instanceFieldsAndParametersGetAFreshBottleForEveryTest() {
        run(Examples.PerTestTest.class).testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        List<String> seen = List.copyOf(Examples.SEEN);
        assertThat(seen).hasSize(3);
        String parameter = seen.stream().filter(s -> s.endsWith(" maker")).findFirst().orElseThrow();
        List<String> fields = seen.stream().filter(s -> !s.contains(" ")).toList();
        assertThat(fields).hasSize(2).doesNotHaveDuplicates();
        assertThat(parameter).startsWith("maker-");
        for (String slug : fields) {
            assertThat(Examples.FAKE.calls()).contains("teardown " + slug);
        }
        assertThat(Examples.FAKE.calls()).contains("teardown " + parameter.substring(0, parameter.indexOf(' ')));
    }

    @Test
    void aLaunchThatFailsFailsTheTestWithTheReasonAndLeavesNothing() {
        int before = Examples.FAKE.slugs().size();
        EngineExecutionResults results = run(Examples.UnknownAgentTest.class);
        results.testEvents().assertStatistics(s -> s.failed(1));
        assertThat(failure(results)).hasMessageContaining("unknown agent 'nobody'").hasMessageContaining("worker");
        assertThat(Examples.FAKE.slugs()).hasSize(before);
    }

    @Test
    void misuseFailsWithAnExtensionConfigurationExceptionSayingWhatToChange() {
        expectMisuse(Examples.WrongTypeTest.class, "is a java.lang.String; declare it as RunningBottle");
        expectMisuse(Examples.BothWaysTest.class, "exactly one way");
        expectMisuse(Examples.NoWayTest.class, "exactly one way");
        expectMisuse(Examples.MissingMethodTest.class, "request method nowhere()");
        expectMisuse(Examples.InstanceMethodForSharedTest.class, "is not static; make it static");
        expectMisuse(Examples.FinalFieldTest.class, "is final");
        expectMisuse(Examples.MissingHomeTest.class, "is not a folder");
        expectMisuse(Examples.WrongParameterTypeTest.class, "is a java.lang.Integer; declare it as RunningBottle");
        expectMisuse(Examples.TwoConfigsTest.class, "2 @BottleRuntimeConfig methods");
    }

    private static void expectMisuse(Class<?> example, String message) {
        Throwable t = rootOrConfiguration(failure(run(example)));
        assertThat(t).as(example.getSimpleName()).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining(message);
    }
}
