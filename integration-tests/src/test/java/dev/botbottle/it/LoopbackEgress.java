package dev.botbottle.it;

import dev.botbottle.egress.EgressGateway;
import dev.botbottle.egress.EgressGatewayProvider;
import dev.botbottle.egress.EgressOptions;
import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GatewayPorts;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.GatewayServiceProvider;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ProvisionStep;

import java.util.List;
import java.util.function.Consumer;

/**
 * The real egress gateway for tests whose upstream is a loopback server: every route it is given (at start and
 * in every replacement: manifest, provider and granted routes alike) says {@code allow_private}, the operator's
 * statement that the upstream is internal, which the SSRF floor otherwise refuses — except the routes of hosts the
 * test keeps on the floor. Nothing else differs.
 */
final class LoopbackEgress implements GatewayServiceProvider {

    private final EgressGatewayProvider real;
    private final java.util.Set<String> floored;

    LoopbackEgress(EgressOptions options) {
        this(options, java.util.Set.of());
    }

    /** @param floored route hosts left without allow_private, so the SSRF floor refuses them */
    LoopbackEgress(EgressOptions options, java.util.Set<String> floored) {
        this.real = new EgressGatewayProvider(options);
        this.floored = java.util.Set.copyOf(floored);
    }

    static List<EgressRoute> internal(List<EgressRoute> routes) {
        return internal(routes, java.util.Set.of());
    }

    static List<EgressRoute> internal(List<EgressRoute> routes, java.util.Set<String> floored) {
        return routes.stream().map(r -> floored.contains(r.host()) ? r : r.toBuilder().allowPrivate(true).build())
                .toList();
    }

    @Override
    public String name() {
        return real.name();
    }

    @Override
    public GatewayService start(GatewayRequest request) {
        return new Internal(real.start(request.toBuilder().routes(internal(request.routes(), floored)).build()), floored);
    }

    /** The started gateway, marking replaced routes too. */
    private record Internal(EgressGateway gateway, java.util.Set<String> floored) implements GatewayService, EgressControl {
        @Override
        public String name() {
            return gateway.name();
        }

        @Override
        public int port() {
            return gateway.port();
        }

        @Override
        public GatewayPorts ports() {
            return gateway.ports();
        }

        @Override
        public List<ProvisionStep> bottleSteps(HostReach reach) {
            return gateway.bottleSteps(reach);
        }

        @Override
        public boolean awaitReady(java.time.Duration timeout) throws InterruptedException {
            return gateway.awaitReady(timeout);
        }

        @Override
        public void close() {
            gateway.close();
        }

        @Override
        public List<EgressRoute> routes() {
            return gateway.routes();
        }

        @Override
        public void replaceRoutes(List<EgressRoute> routes) {
            gateway.replaceRoutes(internal(routes, floored));
        }

        @Override
        public List<EgressAuditEntry> readAudit() {
            return gateway.readAudit();
        }

        @Override
        public Subscription followAudit(Consumer<EgressAuditEntry> listener) {
            return gateway.followAudit(listener);
        }
    }
}
