package dev.botbottle.it;

import dev.botbottle.core.manifest.AgentDef;
import dev.botbottle.core.manifest.AgentProviderConfig;
import dev.botbottle.core.manifest.BottleDef;
import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.runtime.BottleListener;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchPhase;
import dev.botbottle.core.runtime.LaunchRequest;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.core.state.BottleMetadata;
import dev.botbottle.core.state.DirectoryStateStore;
import dev.botbottle.core.state.HostSession;
import dev.botbottle.spi.BottleException;
import dev.botbottle.testkit.doubles.FakeBackendProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Who holds a bottle, and what happens when that process is gone: phases reported with their durations, bottles of
 * dead holders reaped when a runtime starts, a proper close leaving bottles preserved for resume, and one holder at a
 * time. On the fake backend (a test double): the engine side is covered by {@code CrashCleanupIT}.
 */
class RuntimeHoldingTests {

    @TempDir
    Path home;

    final FakeBackendProvider fake = new FakeBackendProvider();
    final List<String> events = new CopyOnWriteArrayList<>();

    final BottleListener listener = new BottleListener() {
        @Override
        public void phase(String slug, LaunchPhase phase, Duration took) {
            assertThat(took.isNegative()).isFalse();
            events.add(phase + " " + slug);
        }

        @Override
        public void reaped(String slug, String why) {
            events.add("reaped " + slug + ": " + why);
        }
    };

    static Manifest manifest() {
        return Manifest.of(List.of(BottleDef.builder("plain").image("bot-bottle/base:bookworm")
                        .agentProvider(AgentProviderConfig.of("shell", Map.of())).build()),
                List.of(AgentDef.of("worker", "plain", "Work.")));
    }

    BottleRuntime runtime() {
        return BottleRuntime.builder().home(home).watchdog(false).listener(listener)
                // no discovery: no gateway service binds anything for these bottles of the fake backend
                .plugins(Plugins.builder().discovery(false).backend(fake)
                        .agent(new ScriptedProvider("shell", List.of())).build()).build();
    }

    LaunchRequest request(String label) {
        return LaunchRequest.builder(manifest(), "worker").backend("fake").label(label).build();
    }

    /** @return the session of a process that ran and is gone (a real one: its id may be reused later) */
    static HostSession deadProcess() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("true").start();
        HostSession s = HostSession.of(p.toHandle());
        p.waitFor();
        return s;
    }

    void recordHolder(String slug, Optional<HostSession> holder) {
        DirectoryStateStore state = new DirectoryStateStore(home);
        state.writeMetadata(state.readMetadata(slug).orElseThrow().withHolder(holder));
    }

    @Test
    void everyPhaseOfLaunchStopResumeAndTeardownIsReportedInOrder() {
        try (BottleRuntime runtime = runtime()) {
            RunningBottle bottle = runtime.launch(request("phases-1"));
            bottle.stop();
            runtime.resume("phases-1").close();
        }
        assertThat(events).containsExactly("PREPARE phases-1", "NETWORK phases-1", "GATEWAYS phases-1",
                "CREATE phases-1", "START phases-1", "PROVISION phases-1", "STOP phases-1", "GATEWAYS phases-1",
                "RESUME phases-1", "PROVISION phases-1", "TEARDOWN phases-1");
    }

    @Test
    void aRuntimeThatStartsRemovesTheBottlesOfDeadHoldersOnly() throws Exception {
        try (BottleRuntime first = runtime()) {
            first.launch(request("dead-1"));
            first.launch(request("kept-1"));
            first.launch(request("live-1"));
        }
        // the first runtime let go (its supervise pollers stopped, as a dead process's would); its bottles are
        // recorded as a crash leaves them: held by a process that is gone, or by a live one, and not preserved
        DirectoryStateStore store = new DirectoryStateStore(home);
        recordHolder("dead-1", Optional.of(deadProcess()));
        recordHolder("kept-1", Optional.of(deadProcess()));
        recordHolder("live-1", Optional.of(HostSession.current()));
        store.setPreserved("dead-1", false);
        store.setPreserved("live-1", false);
        store.setPreserved("kept-1", true);
        try (BottleRuntime next = runtime()) {
            assertThat(events).anyMatch(e -> e.startsWith("reaped dead-1: its holder process ")
                    && e.contains("is gone and the bottle is not preserved (it was running)"));
            assertThat(fake.slugs()).containsExactlyInAnyOrder("kept-1", "live-1");
            assertThat(home.resolve("state/dead-1")).doesNotExist();
            assertThat(next.status("live-1").orElseThrow().status()).isEqualTo("running");
            assertThat(next.status("kept-1").orElseThrow().status())
                    .startsWith("running (gateways down: holder process ");
        }
    }

    @Test
    void aReusedProcessIdIsNotTakenForTheHolder() {
        HostSession me = HostSession.current();
        HostSession impostor = new HostSession(me.pid(), me.startedAt().map(t -> t.minusSeconds(3600)));
        assertThat(me.running()).isTrue();
        assertThat(impostor.running()).isFalse();
        assertThat(HostSession.parse(me.label())).contains(me);
        assertThat(HostSession.parse("12 34")).isEmpty();
    }

    @Test
    void closingTheRuntimeLetsGoOfItsBottlesWhichArePreservedForResume() {
        try (BottleRuntime runtime = runtime()) {
            runtime.launch(request("released-1"));
        }
        BottleMetadata m = new DirectoryStateStore(home).readMetadata("released-1").orElseThrow();
        assertThat(m.holder()).isEmpty();
        assertThat(new DirectoryStateStore(home).isPreserved("released-1")).isTrue();
        try (BottleRuntime next = runtime()) {
            assertThat(fake.slugs()).contains("released-1");
            assertThat(next.status("released-1").orElseThrow().status()).isEqualTo("running (gateways down)");
            RunningBottle resumed = next.resume("released-1");
            assertThat(next.status("released-1").orElseThrow().healthy()).isTrue();
            resumed.close();
        }
        assertThat(fake.slugs()).isEmpty();
    }

    @Test
    void oneProcessAtATimeHoldsABottle() {
        try (BottleRuntime runtime = runtime()) {
            runtime.launch(request("held-1"));
            assertThatThrownBy(() -> runtime.resume("held-1")).isInstanceOf(BottleException.class)
                    .hasMessageContaining("held by this runtime").hasMessageContaining("bottle stop held-1");
            try (BottleRuntime other = runtime()) {
                assertThatThrownBy(() -> other.resume("held-1")).isInstanceOf(BottleException.class)
                        .hasMessageContaining("is held by process " + ProcessHandle.current().pid());
            }
            runtime.teardown("held-1");
        }
    }

    @Test
    void aBottleLaunchedInCodeFromAFolderOrABuilderPlansTheSame() {
        try (BottleRuntime runtime = runtime()) {
            var plan = runtime.plan(request("plan-1"));
            assertThat(plan.slug()).isEqualTo("plan-1");
            assertThat(plan.backend()).isEqualTo("fake");
            assertThat(plan.agentPlan().provider()).isEqualTo("shell");
            assertThat(fake.calls()).isEmpty();
        }
    }
}
