package dev.botbottle.cli;

import dev.botbottle.core.state.BottleMetadata;
import dev.botbottle.core.state.DirectoryStateStore;
import dev.botbottle.core.supervise.ProposalStore;
import dev.botbottle.core.supervise.Supervisor;
import dev.botbottle.spi.Decision;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.Proposal;
import dev.botbottle.spi.ProposalDesk;
import dev.botbottle.spi.ProposedChange;
import dev.botbottle.spi.SupervisorHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bottle supervise} against proposals filed by the runtime's real desk, in this JVM's state directory. */
class SuperviseCliTests {

    @TempDir
    Path home;
    private Map<String, String> env;
    private DirectoryStateStore state;
    private Supervisor supervisor;
    private ProposalDesk desk;

    @BeforeEach
    void pending() {
        env = Map.of("BOT_BOTTLE_HOME", home.toString(), "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        state = new DirectoryStateStore(home);
        supervisor = new Supervisor(state, SupervisorHandler.NONE, Duration.ofMillis(20));
        desk = supervisor.open("demo-abc12", List.of(EgressRoute.allow("api.example.com")));
    }

    @AfterEach
    void close() {
        supervisor.close();
    }

    @Test
    void onceListsPendingProposalsAcrossBottlesWithTheirReasons() {
        Proposal route = desk.submit(new ProposedChange.Route(EgressRoute.allow("pypi.org")), "install a package");
        ProposalDesk other = supervisor.open("other-xyz99", List.of());
        Proposal question = other.submit(new ProposedChange.Question("Which branch?"), "");
        CliRun r = CliRun.run(env, "supervise", "--once");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains(route.id()).contains("demo-abc12").contains("egress route pypi.org")
                .contains("why: install a package").contains(question.id()).contains("other-xyz99")
                .contains("question: Which branch?");
        assertThat(r.err()).contains("bottle supervise approve ID");
    }

    @Test
    void approvingABottleNobodyHoldsIsRecordedAndAppliedWhenItIsTakenOnAgain() {
        Proposal p = desk.submit(new ProposedChange.Route(EgressRoute.allow("pypi.org")), "install a package");
        supervisor.release("demo-abc12");
        CliRun r = CliRun.run(env, "supervise", "approve", p.id(), "--note", "fine");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("recorded approved of " + p.id()).contains("bottle resume demo-abc12");
        assertThat(CliRun.run(env, "supervise", "--once").out()).as("answered is no longer pending")
                .contains("no pending proposals");
        ProposalDesk resumed = supervisor.open("demo-abc12", List.of(EgressRoute.allow("api.example.com")));
        assertThat(resumed.routes()).extracting(EgressRoute::host).containsExactly("api.example.com", "pypi.org");
        assertThat(new ProposalStore(state).done("demo-abc12", p.id())).hasValueSatisfying(d ->
                assertThat(d.decision()).isEqualTo(Decision.approve("fine")));
    }

    @Test
    void approvingAHeldBottleWaitsUntilTheHolderAppliedIt() {
        state.writeMetadata(new BottleMetadata("demo-abc12", "demo", "base", "docker", Instant.now(), BottleMetadata.Status.RUNNING, Map.of(),
                Map.of(), java.util.Optional.of(dev.botbottle.core.state.HostSession.current()), null));
        Proposal p = desk.submit(new ProposedChange.Route(EgressRoute.allow("pypi.org")), "install a package");
        CliRun r = CliRun.run(env, "supervise", "approve", p.id());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("approved " + p.id()).contains("the route is in force now");
        assertThat(desk.routes()).extracting(EgressRoute::host).contains("pypi.org");
    }

    @Test
    void modifyOpensTheEditorAndGrantsWhatWasSaved() {
        Proposal p = desk.submit(new ProposedChange.Route(EgressRoute.allow("pypi.org")), "install a package");
        Map<String, String> withEditor = new java.util.HashMap<>(env);
        withEditor.put("EDITOR", "sed -i -e 's/^methods:.*/methods: GET/' -e 's|^paths:.*|paths: /simple/|'");
        CliRun r = CliRun.run(withEditor, "supervise", "modify", p.id(), "--note", "index only");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Decision d = new ProposalStore(state).answer("demo-abc12", p.id()).orElseThrow();
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.MODIFIED);
        assertThat(d.modified()).hasValueSatisfying(c -> assertThat(((ProposedChange.Route) c).route().matches())
                .singleElement().satisfies(m -> {
                    assertThat(m.methods()).containsExactly("GET");
                    assertThat(m.paths()).singleElement().satisfies(x -> assertThat(x.value()).isEqualTo("/simple/"));
                }));
    }

    @Test
    void rejectNeedsAReasonAndAnAnsweredOrUnknownProposalIsAProblem() {
        Proposal p = desk.submit(new ProposedChange.Route(EgressRoute.allow("pypi.org")), "install a package");
        CliRun noReason = CliRun.run(env, "supervise", "reject", p.id());
        assertThat(noReason.exitCode()).isEqualTo(Main.PROBLEM);
        assertThat(noReason.err()).contains("--reason");
        CliRun rejected = CliRun.run(env, "supervise", "reject", p.id(), "--reason", "use the mirror");
        assertThat(rejected.exitCode()).as(rejected.err()).isZero();
        CliRun again = CliRun.run(env, "supervise", "approve", p.id());
        assertThat(again.exitCode()).isEqualTo(Main.PROBLEM);
        assertThat(again.err()).contains("already answered");
        CliRun unknown = CliRun.run(env, "supervise", "approve", "abcd1234");
        assertThat(unknown.exitCode()).isEqualTo(Main.PROBLEM);
        assertThat(unknown.err()).contains("no proposal abcd1234").doesNotContain("Exception");
    }

    @Test
    void aQuestionIsAnsweredWithANote() {
        Proposal q = desk.submit(new ProposedChange.Question("Which branch?"), "");
        assertThat(CliRun.run(env, "supervise", "approve", q.id()).err()).contains("--note");
        CliRun r = CliRun.run(env, "supervise", "approve", q.id(), "--note", "main");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(new ProposalStore(state).answer("demo-abc12", q.id())).contains(Decision.approve("main"));
    }
}
