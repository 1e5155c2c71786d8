package dev.botbottle.it;

import dev.botbottle.egress.EgressGatewayProvider;
import dev.botbottle.egress.EgressLimits;
import dev.botbottle.egress.EgressOptions;
import dev.botbottle.gateway.ProcessGatewayLauncher;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GatewayRunner;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.HostReach;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts the real egress gateway of an in-bottle test where its backend wants it: in this JVM, or as a gateway
 * program of its own when the backend offers a runner ({@code -Dbot-bottle.gateway.mode=process} makes the Docker
 * backend do so; {@code container} puts that program in a container on the bottle's network). Every upstream name goes
 * to fixed loopback ports either way (relayed from the default bridge's host address for a gateway in a container).
 */
final class TestEgress {

    private TestEgress() {
    }

    /**
     * @param backend the bottle's backend, after {@code prepare}
     * @param spec the bottle
     * @param reach what {@code prepare} returned
     * @param request the gateway request
     * @param upstreams loopback port by host name, {@code "*"} for every other host
     * @param limits the gateway's bounds
     * @return the running gateway; it implements {@link EgressControl}
     */
    static GatewayService start(BottleBackend backend, BottleSpec spec, HostReach reach, GatewayRequest request,
                                Map<String, Integer> upstreams, EgressLimits limits) {
        Optional<GatewayRunner> runner = backend.gatewayRunner(spec, reach);
        if (runner.isPresent()) {
            boolean container = inContainer(backend, spec);
            Map<String, String> addresses = new java.util.HashMap<>();
            upstreams.forEach((host, port) -> addresses.put(host, upstreamAddress(backend, spec) + ":"
                    + (container ? HostRelay.to(port) : port)));
            return new ProcessGatewayLauncher().withUpstreamAddresses(addresses).withEgressLimits(limits)
                    .launch(request, List.of("egress"), Map.of(), runner.get()).get(0);
        }
        EgressOptions options = EgressOptions.defaults().withLimits(limits).withResolver((host, port) ->
                new InetSocketAddress("127.0.0.1", upstreams.getOrDefault(host, upstreams.get("*"))));
        return new EgressGatewayProvider(options).start(request);
    }

    /**
     * @return the address the bottle's gateway dials for the loopback upstreams: 127.0.0.1, or this host's address on
     *         the default bridge (a relay) for a gateway in a container
     */
    static String upstreamAddress(BottleBackend backend, BottleSpec spec) {
        return inContainer(backend, spec) ? Docker.defaultBridgeAddress() : "127.0.0.1";
    }

    private static boolean inContainer(BottleBackend backend, BottleSpec spec) {
        return backend.describe(spec).details().getOrDefault("gateway", "").contains("docker.gateway=container");
    }
}
