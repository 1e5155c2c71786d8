package dev.botbottle.testkit.tck;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.GatewayPorts;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lifecycle: {@code stop} keeps a bottle for {@code resume}, which brings its files back and opens only the new
 * gateway ports; and what the runtime's metadata needs: a backend made afresh by the provider, knowing only the
 * slug, manages a bottle another instance made.
 *
 * @since 0.1
 */
public abstract class LifecycleContract {

    private static final Duration SHORT = Duration.ofSeconds(60);

    /** What the tests share. */
    protected final TckFixture tck;

    /** @param fixture what the tests share */
    protected LifecycleContract(TckFixture fixture) {
        this.tck = fixture;
    }

    @Test
    void aStoppedBottleKeepsItsFilesAndResumesWithOnlyTheNewGatewayPortsOpen() {
        TckFixture.Launched launched = tck.launchWithGateway("cycle");
        String slug = launched.slug();
        assertTrue(TckFixture.reaches(launched.bottle(), launched.reach().bottleAddress(), launched.gateway()),
                "control: the first gateway port is reachable before the stop");
        launched.bottle().exec(ExecRequest.of("sh", "-c", "echo kept > state.txt").withTimeout(SHORT));

        tck.backend().stop(slug);
        BackendException notRunning = assertThrows(BackendException.class, () -> tck.backend().attach(slug));
        assertTrue(notRunning.getMessage().contains(slug), notRunning.getMessage());
        assertTrue(tck.backend().list().contains(slug), "a stopped bottle is still listed");

        TckListener newGateway = tck.listen(launched.reach().bindAddress());
        Bottle resumed = tck.backend().resume(slug, GatewayPorts.tcp(newGateway.port()));
        assertEquals("kept\n", resumed.exec(ExecRequest.of("cat", "state.txt").withTimeout(SHORT)).stdoutText());
        assertTrue(TckFixture.reaches(resumed, launched.reach().bottleAddress(), newGateway),
                "the new gateway port must be reachable after resume");
        assertFalse(TckFixture.reaches(resumed, launched.reach().bottleAddress(), launched.gateway()),
                "the old gateway port must be closed after resume");
    }

    @Test
    void resumingABottleThatDoesNotExistIsAnError() {
        String slug = tck.newSlug("ghost");
        assertThrows(BackendException.class, () -> tck.backend().resume(slug, GatewayPorts.tcp(1)));
        assertThrows(BackendException.class, () -> tck.backend().attach(slug));
    }

    @Test
    void aFreshBackendManagesABottleByItsSlugAlone() {
        TckFixture.Launched launched = tck.launchWithGateway("fresh");
        String slug = launched.slug();
        BottleBackend other = tck.freshBackend();

        assertEquals(tck.backend().name(), other.name(), "the name the runtime records must find the same backend");
        assertTrue(other.list().contains(slug), "a fresh backend must list the bottle");
        assertEquals("tck\n", other.attach(slug).exec(ExecRequest.of("sh", "-c", "echo $BOTTLE_KIND")
                .withTimeout(SHORT)).stdoutText());
        other.stop(slug);
        Bottle resumed = other.resume(slug, GatewayPorts.tcp(launched.gateway().port()));
        assertTrue(TckFixture.reaches(resumed, launched.reach().bottleAddress(), launched.gateway()),
                "the gateway port must be reachable after a resume by another backend instance");
        other.teardown(slug);
        assertFalse(tck.backend().list().contains(slug), "teardown by another instance removes the bottle");
    }
}
