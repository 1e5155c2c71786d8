package dev.botbottle.testkit.tck;

import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Isolation: the bottle reaches the host's gateway services and nothing else. The TCK listens on the reach's
 * bind address twice, passing only one port to the backend; that one must be reachable (the control), the other
 * not, nor a listener on the host's main address. Outside names must fail to resolve at once, answered by the
 * gateway's DNS responder on the bind address (UDP 53; the TCK stands in for it and records the names): the
 * resolver is given 30 s per attempt ({@code RES_OPTIONS}) and the lookup 10 s, so a lookup that waits for an
 * answer that never comes ends by the bound (exit 124), which fails the test, whatever the machine's speed.
 *
 * @since 0.1
 */
public abstract class IsolationContract {

    private static final Duration SHORT = Duration.ofSeconds(90);

    /** What the tests share. */
    protected final TckFixture tck;
    private final List<String> outsideNames;

    /**
     * @param fixture what the tests share
     * @param outsideNames names that must not resolve in the bottle
     */
    protected IsolationContract(TckFixture fixture, List<String> outsideNames) {
        this.tck = fixture;
        this.outsideNames = List.copyOf(outsideNames);
    }

    private TckFixture.SharedBottle shared() {
        return tck.shared();
    }

    @Test
    void theGatewayPortOnTheBindAddressIsReachable() {
        assertTrue(TckFixture.reaches(shared().bottle(), shared().reach().bottleAddress(), shared().gateway()),
                "the bottle must reach its gateway port " + shared().gateway().port() + " at "
                        + shared().reach().bottleAddress());
    }

    @Test
    void anotherPortOnTheBindAddressIsUnreachable() {
        assertTrue(TckFixture.reaches(shared().bottle(), shared().reach().bottleAddress(), shared().gateway()),
                "control: the gateway port is reachable");
        assertFalse(TckFixture.reaches(shared().bottle(), shared().reach().bottleAddress(), shared().other()),
                "a host port on the bind address that is not a gateway port must be unreachable");
    }

    @Test
    void aListenerOnTheHostsMainAddressIsUnreachable() throws IOException {
        Assumptions.assumeTrue(shared().outside().isPresent(), "this host has no address outside the bottle's reach");
        TckListener outside = shared().outside().get();
        try (Socket control = new Socket(InetAddress.getByName(outside.address()), outside.port())) {
            String greeting = new String(control.getInputStream().readNBytes(outside.token().length()),
                    StandardCharsets.US_ASCII);
            assertEquals(outside.token(), greeting, "control: the listener answers the host itself");
        }
        assertFalse(TckFixture.reaches(shared().bottle(), outside.address(), outside),
                "the host's main address " + outside.address() + " must be unreachable from the bottle");
    }

    @Test
    void outsideNamesFailToResolveAtOnceAndReachTheGatewaysResponder() {
        Assumptions.assumeTrue(shared().dns().isPresent(), tck.dnsProblem());
        Bottle bottle = shared().bottle();
        ExecResult control = bottle.exec(ExecRequest.of("timeout", "10", "sleep", "30").withTimeout(SHORT));
        assertEquals(124, control.exitCode(), "control: a command that hangs ends by the bound with 124");
        for (String name : outsideNames) {
            ExecResult r = bottle.exec(ExecRequest.of("timeout", "10", "getent", "hosts", name)
                    .withEnv(java.util.Map.of("RES_OPTIONS", "timeout:30 attempts:1")).withTimeout(SHORT));
            assertTrue(r.exitCode() != 0, name + " resolved in the bottle: " + r.stdoutText());
            assertTrue(r.exitCode() != 124, "looking up " + name + " waited for an answer instead of failing at once");
            assertEquals(2, r.exitCode(), "getent hosts " + name + ": " + r.stderrText());
            assertTrue(shared().dns().get().names().contains(name), "the lookup of " + name + " must reach the "
                    + "gateway's DNS responder on the bind address (so the gateway can audit it); it saw "
                    + shared().dns().get().names());
        }
    }
}
