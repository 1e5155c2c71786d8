package dev.botbottle.testkit.doubles;

import dev.botbottle.core.manifest.AgentDef;
import dev.botbottle.core.manifest.AgentProviderConfig;
import dev.botbottle.core.manifest.BottleDef;
import dev.botbottle.core.manifest.EnvValue;
import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.BottleStatus;
import dev.botbottle.core.runtime.LaunchRequest;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.EngineState;
import dev.botbottle.spi.ExecRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The doubles as a plugin author uses them: the whole runtime on the fake backend, and a recording bottle alone. */
class FakeBackendProviderTests {

    @TempDir
    Path home;

    static Manifest manifest() {
        return Manifest.of(List.of(BottleDef.builder("plain").image("bot-bottle/base:bookworm")
                        .env("GREETING", new EnvValue.Literal("hello"))
                        .agentProvider(AgentProviderConfig.of("shell", Map.of())).build()),
                List.of(AgentDef.of("worker", "plain", "Do the work.")));
    }

    @Test
    void theRuntimeProvisionsABottleOfTheFakeBackendAndTearsItDown() {
        FakeBackendProvider fake = new FakeBackendProvider();
        try (BottleRuntime runtime = BottleRuntime.builder().home(home).watchdog(false)
                .plugins(Plugins.builder().backend(fake).build()).build()) {
            String slug;
            try (RunningBottle bottle = runtime.launch(LaunchRequest.builder(manifest(), "worker").backend("fake")
                    .label("worker-1").build())) {
                slug = bottle.slug();
                RecordingBottle recorded = fake.bottle(slug).orElseThrow();
                assertThat(recorded.allStdin()).contains("BB_STEP").contains("/home/agent/PROMPT.md");
                assertThat(fake.spec(slug).orElseThrow().labels()).containsKeys(BottleSpec.SESSION_LABEL,
                        BottleSpec.HOME_LABEL).containsEntry("dev.botbottle.agent", "worker");
                assertThat(fake.spec(slug).orElseThrow().env()).containsEntry("GREETING", "hello");
                bottle.exec("git", "status");
                assertThat(recorded.firstExecOf("git").orElseThrow().argv()).containsExactly("git", "status");
            }
            assertThat(fake.calls()).containsExactly("prepare worker-1", "create worker-1", "start worker-1",
                    "teardown worker-1");
            assertThat(fake.slugs()).isEmpty();
            assertThat(home.resolve("state").resolve(slug)).doesNotExist();
        }
    }

    @Test
    void aBottleStoppedBehindTheRuntimesBackShowsAsExited() {
        FakeBackendProvider fake = new FakeBackendProvider();
        try (BottleRuntime runtime = BottleRuntime.builder().home(home).watchdog(false)
                .plugins(Plugins.builder().backend(fake).build()).build();
             RunningBottle bottle = runtime.launch(LaunchRequest.builder(manifest(), "worker").backend("fake").build())) {
            assertThat(runtime.status(bottle.slug()).orElseThrow().status()).isEqualTo("running");
            fake.stopBehindTheRuntimesBack(bottle.slug());
            BottleStatus status = runtime.status(bottle.slug()).orElseThrow();
            assertThat(status.engine()).isEqualTo(EngineState.STOPPED);
            assertThat(status.status()).startsWith("exited").contains("gateways up in process "
                    + ProcessHandle.current().pid());
        }
    }

    @Test
    void aRecordingBottleForProvidersRefusesExecsAndCopies() {
        RecordingBottle planning = RecordingBottle.refusingExecs();
        assertThat(planning.agentHome()).isEqualTo("/home/agent");
        assertThatThrownBy(() -> planning.exec(ExecRequest.of("true"))).isInstanceOf(AssertionError.class)
                .hasMessageContaining("must not exec [true]");
        assertThatThrownBy(() -> planning.copyIn(home, "/x", dev.botbottle.spi.FileOwner.AGENT, 0644))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void aRecordingBottleAnswersFromItsCannedResults() {
        RecordingBottle bottle = new RecordingBottle().answer("git", 0, "git version 2.39\n");
        assertThat(bottle.exec(ExecRequest.of("git", "--version")).stdoutText()).isEqualTo("git version 2.39\n");
        assertThat(bottle.exec(ExecRequest.of("false")).exitCode()).isZero();
        assertThat(bottle.execs()).extracting(r -> r.argv().get(0)).containsExactly("git", "false");
    }
}
