package dev.botbottle.testkit.tck;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.BottleBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Orphans: after a crash the runtime finds what a bottle left through {@code list()}, on a backend that never held
 * a handle, and removes it with {@code teardown}, which is idempotent and says when it fails.
 *
 * @since 0.1
 */
public abstract class OrphanContract {

    /** What the tests share. */
    protected final TckFixture tck;
    private final Map<String, String> unreachableEngine;

    /**
     * @param fixture what the tests share
     * @param unreachableEngineOptions backend options that make the engine unreachable; empty skips that test
     */
    protected OrphanContract(TckFixture fixture, Map<String, String> unreachableEngineOptions) {
        this.tck = fixture;
        this.unreachableEngine = Map.copyOf(unreachableEngineOptions);
    }

    @Test
    void aBottleLeftAfterPrepareIsListedAndTeardownRemovesIt() {
        String slug = tck.newSlug("half");
        tck.backend().prepare(tck.spec(slug));
        BottleBackend other = tck.freshBackend();
        assertTrue(other.list().contains(slug), "what prepare made must be found after a crash");
        other.teardown(slug);
        assertFalse(other.list().contains(slug), "teardown must remove what prepare made");
    }

    @Test
    void aRunningBottleWithoutAHandleIsListedAndTeardownRemovesItTwice() {
        String slug = tck.launchWithGateway("orphan").slug();
        BottleBackend other = tck.freshBackend();
        assertTrue(other.list().contains(slug));
        other.teardown(slug);
        assertFalse(other.list().contains(slug));
        assertDoesNotThrow(() -> other.teardown(slug), "teardown is idempotent");
        assertThrows(BackendException.class, () -> other.attach(slug));
    }

    @Test
    void tearingDownABottleThatNeverExistedIsNoError() {
        String slug = tck.newSlug("never");
        assertDoesNotThrow(() -> tck.backend().teardown(slug));
        assertFalse(tck.backend().list().contains(slug));
    }

    @Test
    void aTeardownThatFailsSaysSoAndLeavesTheBottleForAnotherTry() {
        Assumptions.assumeFalse(unreachableEngine.isEmpty(),
                "the contract gives no options that make the engine unreachable (unreachableEngineOptions)");
        String slug = tck.launchWithGateway("broken").slug();
        BottleBackend broken = tck.backendWith(unreachableEngine);
        BackendException e = assertThrows(BackendException.class, () -> broken.teardown(slug),
                "a teardown that could not remove the bottle must throw");
        assertFalse(e.getMessage().isBlank());
        assertTrue(tck.backend().list().contains(slug), "control: the bottle is still there");
        tck.backend().teardown(slug);
        assertFalse(tck.backend().list().contains(slug));
    }
}
