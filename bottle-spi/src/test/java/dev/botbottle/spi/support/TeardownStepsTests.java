package dev.botbottle.spi.support;

import dev.botbottle.spi.BackendException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TeardownStepsTests {

    @Test
    void everyStepRunsAndTheFirstFailureIsThrownWithTheLaterOnesSuppressed() {
        List<String> ran = new ArrayList<>();
        TeardownSteps steps = new TeardownSteps("demo-abc12");
        steps.run("remove container bb-demo", () -> {
            ran.add("container");
            throw new IllegalStateException("engine said no");
        });
        steps.run("remove network bb-demo", () -> ran.add("network"));
        steps.run("remove firewall chain", () -> {
            ran.add("chain");
            throw new BackendException("iptables is gone");
        });
        assertThat(ran).containsExactly("container", "network", "chain");
        assertThatThrownBy(steps::finish).isInstanceOf(BackendException.class)
                .hasMessage("teardown of bottle 'demo-abc12' could not remove container bb-demo: engine said no")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
                        .satisfies(s -> assertThat(s).hasMessageContaining("remove firewall chain: iptables is gone")));
    }

    @Test
    void finishIsQuietWhenEveryStepSucceeded() {
        TeardownSteps steps = new TeardownSteps("demo-abc12");
        steps.run("remove container", () -> { });
        steps.finish();
    }
}
