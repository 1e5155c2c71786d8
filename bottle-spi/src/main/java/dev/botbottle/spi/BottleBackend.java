package dev.botbottle.spi;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Creates, runs and removes bottles on one engine (Docker, smolvm, ...).
 *
 * <p>Made by a {@link BackendProvider}; used by the runtime, which calls, for a new bottle:
 * {@link #prepare} (isolation boundary up, where the bottle reaches the host known) → the runtime starts the
 * gateway services on {@link HostReach#bindAddress()} → {@link #create} (the bottle, reachable ports limited to
 * the gateway's) → {@link #start}. Later: {@link #stop}, {@link #resume}, {@link #teardown}. Every object a backend
 * creates is named after the slug and labelled so {@link #list()} and a cleanup can find it after a crash.
 *
 * <p>Implementations are thread-safe; calls for different slugs may run concurrently.
 *
 * @since 0.1
 */
public interface BottleBackend {

    /** @return the backend's name, as in {@link BackendProvider#name()} */
    String name();

    /**
     * Describes what this backend will do for a bottle, without changing anything. Called for the preflight
     * and {@code --dry-run}.
     *
     * @param spec the bottle
     * @return the backend part of the plan
     */
    BackendPlan describe(BottleSpec spec);

    /**
     * Checks that nothing with the bottle's names exists yet, then creates the isolation boundary (e.g. the
     * bottle's network).
     *
     * @param spec the bottle
     * @return where the bottle will reach the host
     * @throws BackendException when an object with the same name exists (the message gives the cleanup
     *                          command) or the engine refused
     */
    HostReach prepare(BottleSpec spec);

    /**
     * Creates the bottle (building its image if needed) and limits what it can reach on the host to the given
     * gateway ports on {@link HostReach#bindAddress()}.
     *
     * @param spec the bottle
     * @param reach what {@link #prepare} returned
     * @param gatewayPorts the ports the gateway services listen on; nothing else on the host is reachable
     * @throws BackendException when the engine refused, or full isolation is impossible and
     *                          {@link BottleSpec#allowWeakIsolation()} is false
     */
    void create(BottleSpec spec, HostReach reach, List<Integer> gatewayPorts);

    /**
     * Creates the bottle as {@link #create(BottleSpec, HostReach, List)} does, letting it reach the given TCP and UDP
     * ports. The runtime calls this one; backends that allow UDP (the DNS responder) override it. The default allows
     * the TCP ports only.
     *
     * @param spec the bottle
     * @param reach what {@link #prepare} returned
     * @param ports the ports the gateway services listen on; nothing else on the host is reachable
     * @since 0.2
     */
    default void create(BottleSpec spec, HostReach reach, GatewayPorts ports) {
        create(spec, reach, ports.tcp());
    }

    /**
     * Says where this backend wants a bottle's gateway services to run. Empty (the default): in the runtime's JVM,
     * bound on {@link HostReach#bindAddress()}. Otherwise the runtime starts them through a {@link GatewayLauncher}
     * with this runner (a host process, a container on the bottle's network) and uses the runner's reach from then on.
     * Called after {@link #prepare} and again on {@link #resume}.
     *
     * @param spec the bottle
     * @param reach what {@link #prepare} returned
     * @return the runner, or empty for in-process gateways
     * @since 0.3
     */
    default Optional<GatewayRunner> gatewayRunner(BottleSpec spec, HostReach reach) {
        return Optional.empty();
    }

    /**
     * Starts a created bottle and waits until commands can run in it.
     *
     * @param slug the bottle
     * @return a handle on the running bottle
     */
    Bottle start(String slug);

    /**
     * Stops a bottle, keeping it and everything it needs for {@link #resume}.
     *
     * @param slug the bottle
     */
    void stop(String slug);

    /**
     * Brings a stopped bottle back, allowing the given gateway ports again.
     *
     * @param slug the bottle
     * @param gatewayPorts the ports the restarted gateway services listen on
     * @return a handle on the running bottle
     */
    Bottle resume(String slug, List<Integer> gatewayPorts);

    /**
     * Brings a stopped bottle back as {@link #resume(String, List)} does, allowing the given TCP and UDP ports. The
     * runtime calls this one; the default allows the TCP ports only.
     *
     * @param slug the bottle
     * @param ports the ports the restarted gateway services listen on
     * @return a handle on the running bottle
     * @since 0.2
     */
    default Bottle resume(String slug, GatewayPorts ports) {
        return resume(slug, ports.tcp());
    }

    /**
     * Rebuilds a stopped bottle's image and brings the bottle back on it: the image is the bottle's current file
     * system with {@code instructions} (Dockerfile lines, no {@code FROM}, run as root) applied on top, so the
     * agent's work and everything provisioned stay; the bottle is recreated from it inside its existing isolation
     * boundary, allowing the given gateway ports (TCP and UDP), and started. Called by {@code resume} when an
     * approved image change (supervise {@code capability-block}) is waiting.
     *
     * @param spec the bottle as planned (its image is the one it runs now)
     * @param instructions the Dockerfile instructions to apply
     * @param gatewayPorts the ports the restarted gateway services listen on
     * @return a handle on the running, rebuilt bottle
     * @throws BackendException when this backend cannot rebuild images, or the build failed (the old bottle is then
     *                          left as it was, stopped)
     * @since 0.2
     */
    default Bottle rebuild(BottleSpec spec, String instructions, GatewayPorts gatewayPorts) {
        throw new BackendException("the " + name() + " backend cannot rebuild a bottle's image; put the approved"
                + " change into the bottle's image and launch it again");
    }

    /**
     * Returns a handle on a bottle that is already running (e.g. for {@code bottle exec} from another process).
     *
     * @param slug the bottle
     * @return a handle
     * @throws BackendException when no such bottle runs
     */
    Bottle attach(String slug);

    /**
     * Removes everything the backend created for a bottle. Idempotent: missing objects are not an error. A failing
     * step does not stop the others; the first failure is rethrown at the end.
     *
     * @param slug the bottle
     */
    void teardown(String slug);

    /** @return the slugs of every bottle this backend finds objects for (running or not), for {@code ps} and cleanup */
    Set<String> list();

    /**
     * Says, for every bottle this backend finds objects for, what the engine reports now (not what was recorded):
     * {@code ps} and {@code info} show it, and a resume uses it. Read-only; one round trip where the engine allows.
     * The default reports {@link #list()} as {@link EngineState#UNKNOWN}.
     *
     * @return the engine state by slug, for the same slugs as {@link #list()}
     * @since 0.2
     */
    default java.util.Map<String, EngineState> states() {
        java.util.Map<String, EngineState> states = new java.util.TreeMap<>();
        list().forEach(slug -> states.put(slug, EngineState.UNKNOWN));
        return states;
    }
}
