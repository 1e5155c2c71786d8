package dev.botbottle.core.supervise;

import dev.botbottle.core.state.DirectoryStateStore;
import dev.botbottle.core.state.RecordStateStore;
import dev.botbottle.core.state.StateStore;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.Decision;
import dev.botbottle.spi.Proposal;
import dev.botbottle.spi.ProposedChange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Proposals, answers and done records kept through a state store: on one host's disk, or in records hosts share. */
class ProposalStoreTests {

    @TempDir
    Path hostA;
    @TempDir
    Path hostB;

    private static Proposal proposal(String id) {
        return Proposal.builder().id(id).slug("a-1").createdAt(Instant.parse("2026-12-01T20:00:00Z"))
                .justification("need the registry").change(new ProposedChange.Question("may I?")).build();
    }

    @Test
    void aProposalFiledOnOneHostIsAnsweredOnceFromAnotherAndItsDoneRecordSeenByBoth() {
        var shared = new dev.botbottle.core.state.MapStateRecords();
        ProposalStore a = new ProposalStore(new RecordStateStore(hostA, shared));
        ProposalStore b = new ProposalStore(new RecordStateStore(hostB, shared));
        a.file(proposal("p1x2"));

        assertThat(b.pending()).extracting(Proposal::id).containsExactly("p1x2");
        assertThat(b.answer(proposal("p1x2"), Decision.approve("yes"))).as("host B answers first").isTrue();
        assertThat(a.answer(proposal("p1x2"), Decision.reject("no"))).as("host A's later answer loses").isFalse();
        assertThat(a.answer("a-1", "p1x2")).contains(Decision.approve("yes"));
        assertThat(a.pending("a-1")).isEmpty();
        assertThat(a.unapplied("a-1")).containsExactly("p1x2");

        a.done(new ProposalStore.Done(proposal("p1x2"), Decision.approve("yes"), Instant.parse("2026-12-01T20:01:00Z")));
        assertThat(b.unapplied("a-1")).isEmpty();
        assertThat(b.done("a-1", "p1x2")).map(ProposalStore.Done::decision).contains(Decision.approve("yes"));
        assertThat(b.find("p1x2")).contains(proposal("p1x2"));
        assertThatThrownBy(() -> b.file(proposal("p1x2"))).isInstanceOf(BottleException.class)
                .hasMessageContaining("exists already");
    }

    @Test
    void onOneHostsDiskTheSameHoldsAcrossStoresOfOneHome() {
        ProposalStore one = new ProposalStore(new DirectoryStateStore(hostA));
        ProposalStore other = new ProposalStore(new DirectoryStateStore(hostA));
        one.file(proposal("q9z8"));

        assertThat(other.pending("a-1")).extracting(Proposal::id).containsExactly("q9z8");
        assertThat(other.answer(proposal("q9z8"), Decision.reject("not now"))).isTrue();
        assertThat(one.answer(proposal("q9z8"), Decision.approve("fine"))).isFalse();
        assertThat(one.unapplied("a-1")).containsExactly("q9z8");
        assertThat(new DirectoryStateStore(hostA).recordNames("a-1", "")).as("the records, not metadata or plan")
                .containsExactly("answer-q9z8", "proposal-q9z8");
    }

    @Test
    void aDamagedRecordIsNamedWithTheFix() {
        StateStore state = new DirectoryStateStore(hostA);
        state.writeRecord("a-1", "proposal-dead", "{not json");
        assertThatThrownBy(() -> new ProposalStore(state).pending("a-1")).isInstanceOf(BottleException.class)
                .hasMessageContaining("proposal-dead").hasMessageContaining("remove the record");
    }
}
