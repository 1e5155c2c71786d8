package dev.botbottle.egress.internal;

import dev.botbottle.spi.Credential;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.Secret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class CredentialRefreshTests {

    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private CredentialRefresh refresh;

    /** Answers from a function of how often it was asked, records every call. */
    static final class Source implements CredentialSource {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final Function<Integer, Credential> answers;

        Source(Function<Integer, Credential> answers) {
            this.answers = answers;
        }

        @Override
        public Optional<Secret> resolve(String reference) {
            return credential(reference).map(Credential::value);
        }

        @Override
        public Optional<Credential> credential(String reference) {
            calls.add("ask " + reference);
            long asked = calls.stream().filter(c -> c.startsWith("ask")).count();
            return Optional.ofNullable(answers.apply((int) asked));
        }

        @Override
        public void invalidate(String reference) {
            calls.add("invalidate " + reference);
        }
    }

    @AfterEach
    void close() {
        if (refresh != null) {
            refresh.close();
        }
    }

    @Test
    void aValueThatExpiresSoonIsAskedForAgainAndPutInForce() throws Exception {
        Source source = new Source(n -> n == 1 ? Credential.until(Secret.of("v1"), NOW.plusSeconds(5))
                : Credential.of(Secret.of("v2")));
        refresh = new CredentialRefresh("s", source, CLOCK);
        assertThat(refresh.tracking().resolve("TOKEN")).contains(Secret.of("v1"));
        Map<String, Secret> inForce = new ConcurrentHashMap<>();
        CountDownLatch swapped = new CountDownLatch(1);
        refresh.start((ref, value) -> {
            inForce.put(ref, value);
            swapped.countDown();
        });
        assertThat(swapped.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(inForce).containsEntry("TOKEN", Secret.of("v2"));
        assertThat(source.calls).containsExactly("ask TOKEN", "invalidate TOKEN", "ask TOKEN");
    }

    @Test
    void aValueWithALaterExpiryIsDueItsLeadTimeBeforeIt() {
        Source source = new Source(n -> Credential.until(Secret.of("v" + n), NOW.plus(Duration.ofHours(4))));
        refresh = new CredentialRefresh("s", source, CLOCK);
        refresh.tracking().resolve("TOKEN");
        refresh.start((ref, value) -> { });
        Instant due = refresh.due("TOKEN").orElseThrow();
        assertThat(Duration.between(due, NOW.plus(Duration.ofHours(4)).minus(CredentialRefresh.LEAD)).abs())
                .isLessThan(Duration.ofSeconds(2));
        assertThat(source.calls).containsExactly("ask TOKEN");
    }

    @Test
    void aValueWithoutExpiryIsNotAskedForAgainUntilRefused() {
        Source source = new Source(n -> Credential.of(Secret.of("v" + n)));
        refresh = new CredentialRefresh("s", source, CLOCK);
        refresh.tracking().resolve("TOKEN");
        refresh.start((ref, value) -> { });
        assertThat(refresh.due("TOKEN")).isEmpty();
    }

    @Test
    void aRefusalOfAValueNoLongerInForceAsksNothing() {
        Source source = new Source(n -> Credential.of(Secret.of("v" + n)));
        refresh = new CredentialRefresh("s", source, CLOCK);
        refresh.start((ref, value) -> { });
        CompletableFuture<Void> done = refresh.refused("TOKEN", Secret.of("old"), Secret.of("newer"));
        assertThat(done).isDone();
        assertThat(source.calls).isEmpty();
    }

    @Test
    void refusalsWhileARefreshRunsWaitForItInsteadOfAskingAgain() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        Source source = new Source(n -> {
            try {
                answer.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Credential.of(Secret.of("v2"));
        });
        refresh = new CredentialRefresh("s", source, CLOCK);
        List<Secret> swaps = new CopyOnWriteArrayList<>();
        refresh.start((ref, value) -> swaps.add(value));
        CompletableFuture<Void> first = refresh.refused("TOKEN", Secret.of("v1"), Secret.of("v1"));
        CompletableFuture<Void> second = refresh.refused("TOKEN", Secret.of("v1"), Secret.of("v1"));
        answer.countDown();
        CompletableFuture.allOf(first, second).get(10, TimeUnit.SECONDS);
        assertThat(source.calls).containsExactly("invalidate TOKEN", "ask TOKEN");
        assertThat(swaps).containsExactly(Secret.of("v2"));
    }

    @Test
    void aSourceThatHasNothingNewLeavesTheOldValueInForce() throws Exception {
        Source source = new Source(n -> null);
        refresh = new CredentialRefresh("s", source, CLOCK);
        List<Secret> swaps = new CopyOnWriteArrayList<>();
        refresh.start((ref, value) -> swaps.add(value));
        refresh.refused("TOKEN", Secret.of("v1"), Secret.of("v1")).get(10, TimeUnit.SECONDS);
        assertThat(swaps).isEmpty();
        assertThat(source.calls).containsExactly("invalidate TOKEN", "ask TOKEN");
    }
}
