package dev.botbottle.testkit.tck;

import dev.botbottle.spi.support.HostFiles;
import dev.botbottle.spi.Availability;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.ImageSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The backend contract test kit (TCK): everything a {@link dev.botbottle.spi.BottleBackend} owes the runtime,
 * as JUnit 5 tests run against the real engine.
 *
 * <p>A backend author extends this class in an integration test, names the provider and an image, and runs it:
 * <pre>{@code
 * class PodmanContractIT extends BackendContract {
 *     protected BackendProvider provider() { return new PodmanBackendProvider(); }
 *     protected ImageSpec image() { return ImageSpec.of("bot-bottle/base:bookworm"); }
 * }
 * }</pre>
 * When {@link BackendProvider#availability()} says no, every test is skipped and the reason is printed.
 *
 * <p>The image must have a POSIX {@code sh}, bash (its {@code /dev/tcp} dials the host), coreutils, {@code getent},
 * {@code setpriv} or {@code runuser} where the backend needs them, and a non-root user with uid 1000 (the agent).
 * {@code bot-bottle/base:bookworm}, built by {@code scripts/build-base-image.sh}, has all of them.
 *
 * <p>What is checked, by section (each a nested class, so a report groups them):
 * <ul>
 *   <li>{@link CreateContract create}: names, describe without side effects, refusing a slug in use;</li>
 *   <li>{@link ExecContract exec}: exit codes (1 included), errors, env, user, working directory, stdin, time-out,
 *       output larger than a pipe buffer, streaming, secrets kept off host command lines;</li>
 *   <li>{@link CopyContract copy}: copyIn of files and directories (owner, mode, parents); copyTree keeping file
 *       modes, empty directories, {@code .git} and in-tree symlinks, leaving out the others; copyOut of files and
 *       directories, refusing symlinks that point outside what was copied;</li>
 *   <li>{@link LifecycleContract lifecycle}: stop, resume (files kept, only the new gateway ports open), and
 *       what the runtime's metadata relies on (see below);</li>
 *   <li>{@link IsolationContract isolation}: the gateway port on the bind address is reachable; another port
 *       there, and the host's main address, are not; outside names fail to resolve at once, answered by
 *       the gateway's DNS responder on the bind address (the TCK stands in for it);</li>
 *   <li>{@link OrphanContract orphans}: {@code list()} finds a bottle's objects without a handle, teardown removes
 *       them, is idempotent, and surfaces failures.</li>
 * </ul>
 *
 * <p><b>Metadata.</b> The runtime, not the backend, writes {@code metadata.json} and records
 * {@link dev.botbottle.spi.BottleBackend#name()} in it, so {@code resume} picks the backend a bottle was launched
 * on. What that needs from a backend, and what the TCK checks: the backend's name equals its provider's and is a
 * valid name; and a backend made afresh by the provider (as in another process, knowing only the slug) finds,
 * attaches to, stops, resumes and tears down a bottle another instance made. That the runtime records and uses the
 * name is tested with the runtime (bottle-core and the integration tests), not here.
 *
 * @since 0.1
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendContract {

    private Path home;
    private TckFixture fixture;

    /** @return the provider of the backend under test */
    protected abstract BackendProvider provider();

    /** @return the image TCK bottles start from (see the class comment for what it must hold) */
    protected abstract ImageSpec image();

    /** @return backend options for {@link dev.botbottle.spi.BackendContext#options()}; none by default */
    protected Map<String, String> options() {
        return Map.of();
    }

    /**
     * Options that make the backend's engine unreachable (e.g. its binary pointed at a program that does not
     * exist), so the TCK can check that a failing teardown says so. Empty (the default) skips that test.
     *
     * @return the options
     */
    protected Map<String, String> unreachableEngineOptions() {
        return Map.of();
    }

    /**
     * A host address outside the bottle's reach, where the TCK listens and checks the bottle cannot connect.
     *
     * @return by default the host's main IPv4 address ({@link TckFixture#mainAddress()})
     */
    protected Optional<InetAddress> outsideAddress() {
        return TckFixture.mainAddress();
    }

    /** @return names outside the bottle that must fail to resolve */
    protected List<String> outsideNames() {
        return List.of("example.com", "deb.debian.org");
    }

    /** @return the first word of every slug the TCK makes; {@code tck} by default */
    protected String slugPrefix() {
        return "tck";
    }

    /**
     * Called once before any test, after the provider said it is available: build images, check the host. Throw
     * to fail, or abort through {@link Assumptions} to skip with a reason.
     */
    protected void assumeReady() {
    }

    /** @return the bot-bottle home handed to the backend (a temporary directory) */
    protected final Path home() {
        return home;
    }

    /** @return what the tests share; available once the class started */
    protected final TckFixture fixture() {
        return fixture;
    }

    @BeforeAll
    final void startContract() throws IOException {
        Availability availability = provider().availability();
        if (!availability.isAvailable()) {
            String reason = "backend '" + provider().name() + "' is not available here: " + availability.reason();
            System.err.println("SKIPPED " + getClass().getSimpleName() + ": " + reason);
            Assumptions.abort(reason);
        }
        assumeReady();
        home = Files.createTempDirectory("bot-bottle-tck-");
        fixture = new TckFixture(this);
    }

    @AfterAll
    final void finishContract() {
        try {
            if (fixture != null) {
                fixture.close();
            }
        } finally {
            if (home != null) {
                deleteRecursively(home);
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try {
            HostFiles.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the TCK's home " + dir, e);
        }
    }

    /** Create: names, describe, slugs in use. */
    @Nested
    class Create extends CreateContract {
        Create() {
            super(BackendContract.this.fixture);
        }
    }

    /** Exec: exit codes, env, user, directory, stdin, time-out, large output, streaming. */
    @Nested
    class Exec extends ExecContract {
        Exec() {
            super(BackendContract.this.fixture);
        }
    }

    /** Copy in and out. */
    @Nested
    class Copy extends CopyContract {
        Copy() {
            super(BackendContract.this.fixture);
        }
    }

    /** Stop, resume, and what metadata needs. */
    @Nested
    class Lifecycle extends LifecycleContract {
        Lifecycle() {
            super(BackendContract.this.fixture);
        }
    }

    /** What the bottle reaches. */
    @Nested
    class Isolation extends IsolationContract {
        Isolation() {
            super(BackendContract.this.fixture, BackendContract.this.outsideNames());
        }
    }

    /** Orphans and teardown. */
    @Nested
    class Orphans extends OrphanContract {
        Orphans() {
            super(BackendContract.this.fixture, BackendContract.this.unreachableEngineOptions());
        }
    }
}
