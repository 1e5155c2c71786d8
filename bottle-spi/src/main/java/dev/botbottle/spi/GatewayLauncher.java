package dev.botbottle.spi;

import java.util.List;
import java.util.Map;

/**
 * Starts a bottle's gateway services out of the runtime's JVM, in one gateway program run by a {@link GatewayRunner},
 * and hands back {@link GatewayService}s that talk to that program: the runtime uses them exactly as it uses services
 * started in process ({@link EgressControl}, {@link SuperviseService}, {@link GatewayAudit}, ports, bottle steps,
 * close). Found with {@link java.util.ServiceLoader}; {@code bottle-gateway} provides it.
 *
 * <p>Credentials reach the program over its standard input only: the launcher resolves, through
 * {@link GatewayRequest#credentials()}, every reference the routes name and sends the values, so the program never
 * needs the runtime's sources. The supervise server's {@link GatewayRequest#proposals() desk} stays in the runtime;
 * the program files proposals there through its control channel.
 *
 * @since 0.3
 */
public interface GatewayLauncher {

    /**
     * Starts the named services of one bottle in one gateway program, bound on {@link GatewayRequest#bindAddress()}.
     *
     * @param request the bottle's gateway request; its port is ignored (see {@code ports})
     * @param services the services to run, by {@link GatewayServiceProvider#name()}, in start order
     * @param ports the port each service should ask for again (resume), by name; others get an ephemeral port
     * @param runner how the program is run
     * @return the running services, in start order; the program ends when the last of them is closed
     * @throws BottleException when the program cannot start or a service fails in it (a
     *                         {@link CredentialException} for a credential no source knows)
     */
    List<GatewayService> launch(GatewayRequest request, List<String> services, Map<String, Integer> ports,
                                GatewayRunner runner);
}
