package dev.botbottle.testkit.tck;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.BackendPlan;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.GatewayPorts;
import dev.botbottle.spi.HostReach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Create: the backend's names, {@code describe} without side effects, {@code prepare}/{@code create}/{@code start}
 * giving a bottle that runs commands with the spec's environment, and a slug in use refused.
 *
 * @since 0.1
 */
public abstract class CreateContract {

    /** What the tests share. */
    protected final TckFixture tck;

    /** @param fixture what the tests share */
    protected CreateContract(TckFixture fixture) {
        this.tck = fixture;
    }

    @Test
    void theBackendIsNamedLikeItsProviderWithAValidName() {
        assertEquals(tck.provider().name(), tck.backend().name(), "BottleBackend.name() must equal BackendProvider.name()");
        assertTrue(BottleSpec.NAME.matcher(tck.backend().name()).matches(),
                "backend name '" + tck.backend().name() + "' must match " + BottleSpec.NAME.pattern());
    }

    @Test
    void describeNamesTheBackendAndChangesNothing() {
        String slug = tck.newSlug("plan");
        BackendPlan plan = tck.backend().describe(tck.spec(slug));
        assertEquals(tck.backend().name(), plan.backend());
        assertFalse(plan.details().isEmpty(), "describe() should say what the backend will do");
        assertFalse(tck.backend().list().contains(slug), "describe() must not create anything");
    }

    @Test
    void aCreatedBottleRunsCommandsWithTheSpecsEnvironment() {
        Bottle bottle = tck.shared().bottle();
        assertEquals(tck.shared().slug(), bottle.slug());
        ExecResult r = bottle.exec(ExecRequest.of("sh", "-c", "printf %s \"$BOTTLE_KIND\""));
        assertEquals(0, r.exitCode(), r.stderrText());
        assertEquals("tck", r.stdoutText());
    }

    @Test
    void prepareSaysWhereTheBottleReachesTheHostAndWhatIsolatesIt() {
        HostReach reach = tck.shared().reach();
        assertDoesNotThrow(() -> InetAddress.getByName(reach.bindAddress()), "bindAddress must be an IP literal");
        assertDoesNotThrow(() -> InetAddress.getByName(reach.bottleAddress()), "bottleAddress must be an IP literal");
        assertFalse(reach.isolation().isBlank(), "isolation must say what keeps the bottle from the host");
    }

    @Test
    void prepareRefusesASlugWhoseObjectsExist() {
        String slug = tck.newSlug("taken");
        BottleSpec spec = tck.spec(slug);
        HostReach reach = tck.backend().prepare(spec);
        tck.backend().create(spec, reach, GatewayPorts.NONE);
        BackendException e = assertThrows(BackendException.class, () -> tck.backend().prepare(spec));
        assertTrue(e.getMessage().contains(slug) || e.getMessage().contains("already exists"),
                "the refusal should name what exists: " + e.getMessage());
    }

    @Test
    void twoBottlesAreDistinct() {
        TckFixture.Launched other = tck.launchWithGateway("second");
        Bottle first = tck.shared().bottle();
        first.exec(ExecRequest.of("sh", "-c", "echo first > mark"));
        ExecResult r = other.bottle().exec(ExecRequest.of("sh", "-c", "cat mark 2>/dev/null || echo none"));
        assertEquals("none\n", r.stdoutText(), "a file written in one bottle must not appear in another");
        assertNotEquals(first.slug(), other.bottle().slug());
    }
}
