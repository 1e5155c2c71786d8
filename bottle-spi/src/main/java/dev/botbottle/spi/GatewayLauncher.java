package dev.botbottle.spi;

import java.util.List;
import java.util.Map;

/**
 * Starts a bottle's gateway services out of the runtime's JVM, in one gateway program run by a {@link GatewayRunner},
 * and hands back {@link GatewayService}s that talk to that program: the runtime uses them exactly as it uses services
 * started in process ({@link EgressControl}, {@link SuperviseService}, ports, bottle steps, close). Found with
 * {@link java.util.ServiceLoader}; {@code bottle-gateway} provides it.
 *
 * <p>Credentials reach the program over its standard input only: the launcher resolves, through
 * {@link GatewayRequest#credentials()}, every reference the routes name and sends the values, so the program never
 * asks back. The supervise server's {@link GatewayRequest#proposals() desk} stays in the runtime; the program files
 * proposals there through its control channel.
 *
 * @since 0.3
 */
public interface GatewayLauncher {

    /**
     * Starts the named services of one bottle in one gateway program.
     *
     * @param request the bottle's gateway request; its port is ignored (see {@code ports})
     * @param services the services to run, by {@link GatewayServiceProvider#name()}, in start order
     * @param ports the port each service should ask for again (resume), by name; others get an ephemeral port
     * @param runner how the program is run
     * @return the running services and where the bottle reaches them
     * @throws BottleException when the program cannot start or a service fails in it (a
     *                         {@link CredentialException} for a credential no source knows)
     */
    Launched launch(GatewayRequest request, List<String> services, Map<String, Integer> ports, GatewayRunner runner);

    /**
     * What a launch started.
     *
     * @param services the services, in start order; closing the last one ends the program
     * @param reach where the bottle reaches them (the runner's, which may differ from the backend's prepared reach)
     */
    record Launched(List<GatewayService> services, HostReach reach) {
        public Launched {
            services = List.copyOf(services);
            java.util.Objects.requireNonNull(reach, "reach");
        }
    }
}
