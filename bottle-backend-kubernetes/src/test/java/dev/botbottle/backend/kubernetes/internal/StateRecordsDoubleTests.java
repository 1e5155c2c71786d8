package dev.botbottle.backend.kubernetes.internal;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProgressListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cluster state records against {@link KubernetesMockServerDouble}, a DOUBLE of a cluster. */
class StateRecordsDoubleTests {

    private KubernetesMockServerDouble cluster;
    private StateRecords records;

    @BeforeEach
    void start() {
        cluster = new KubernetesMockServerDouble();
        records = new StateRecords(cluster.client(), "bottles", false);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void recordsWrittenByOneHostAreReadByAnotherAndReplaced() {
        records.write("alpha", "metadata", "{\"backend\":\"kubernetes\"}");
        records.write("alpha", "deploy-keys", "[17]");
        records.write("alpha", "metadata", "{\"backend\":\"kubernetes\",\"state\":\"stopped\"}");
        StateRecords other = new StateRecords(cluster.client(), "bottles", false);
        assertThat(other.read("alpha", "metadata")).contains("{\"backend\":\"kubernetes\",\"state\":\"stopped\"}");
        assertThat(other.read("alpha", "deploy-keys")).contains("[17]");
        assertThat(other.read("alpha", "plan")).isEmpty();
        assertThat(other.read("beta", "metadata")).isEmpty();
        assertThat(other.slugs()).containsExactly("alpha");
    }

    @Test
    void aBackendTeardownLeavesTheRecordsAndDeleteRemovesThem() {
        var backend = new KubernetesBottleBackend(cluster.client(), Options.from(Map.of("kubernetes.namespace",
                "bottles"), Optional.empty()), ProgressListener.NONE, "kubectl");
        BottleSpec spec = BottleSpec.builder("kept", "claude", ImageSpec.of("bot-bottle/base:bookworm")).build();
        backend.create(spec, backend.prepare(spec), List.of());
        records.write("kept", "metadata", "{}");

        backend.teardown("kept");
        assertThat(backend.list()).isEmpty();
        assertThat(records.read("kept", "metadata")).contains("{}");

        records.delete("kept");
        records.delete("kept");
        assertThat(records.slugs()).isEmpty();
    }

    @Test
    void aRemovedRecordIsGoneForEveryHostAndTheOthersStay() {
        dev.botbottle.spi.StateRecords spi = dev.botbottle.backend.kubernetes.ClusterStateRecordsAccess.of(records);
        spi.write("alpha", "metadata", "{}");
        spi.write("alpha", "preserved", "true");
        spi.remove("alpha", "preserved");
        spi.remove("alpha", "preserved");
        spi.remove("absent", "preserved");

        StateRecords other = new StateRecords(cluster.client(), "bottles", false);
        assertThat(other.read("alpha", "preserved")).isEmpty();
        assertThat(other.read("alpha", "metadata")).contains("{}");
        assertThat(other.slugs()).containsExactly("alpha");
    }

    @Test
    void createWritesOnlyTheFirstTimeForEveryHostAndNamesListTheRecords() {
        StateRecords other = new StateRecords(cluster.client(), "bottles", false);
        assertThat(records.create("alpha", "answer-p1x2", "{\"approve\":true}")).isTrue();
        assertThat(other.create("alpha", "answer-p1x2", "{\"approve\":false}")).as("the second host's answer loses")
                .isFalse();
        assertThat(other.create("alpha", "proposal-p1x2", "{}")).isTrue();

        assertThat(records.read("alpha", "answer-p1x2")).contains("{\"approve\":true}");
        assertThat(records.names("alpha")).containsExactly("answer-p1x2", "proposal-p1x2");
        assertThat(records.names("absent")).isEmpty();
    }

    @Test
    void aRecordPastTheConfigMapLimitIsRefusedAndTheOthersStay() {
        records.write("big", "metadata", "{}");
        assertThatThrownBy(() -> records.write("big", "plan", "x".repeat(StateRecords.MAX_BYTES)))
                .isInstanceOf(BackendException.class).hasMessageContaining("at most");
        assertThat(records.read("big", "metadata")).contains("{}");
        assertThat(records.read("big", "plan")).isEmpty();
    }
}
