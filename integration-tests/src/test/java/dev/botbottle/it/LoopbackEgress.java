package dev.botbottle.it;

import dev.botbottle.egress.EgressGatewayProvider;
import dev.botbottle.egress.EgressOptions;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.GatewayServiceProvider;

/**
 * The real egress gateway for tests whose upstream is a loopback server: every route it starts with (manifest and
 * provider routes alike) says {@code allow_private}, the operator's statement that the upstream is internal, which
 * the SSRF floor otherwise refuses. Nothing else differs from production.
 */
final class LoopbackEgress implements GatewayServiceProvider {

    private final EgressGatewayProvider real;

    LoopbackEgress(EgressOptions options) {
        this.real = new EgressGatewayProvider(options);
    }

    @Override
    public String name() {
        return real.name();
    }

    @Override
    public GatewayService start(GatewayRequest request) {
        return real.start(request.toBuilder().routes(request.routes().stream()
                .map(r -> r.toBuilder().allowPrivate(true).build()).toList()).build());
    }
}
