package dev.botbottle.supervise;

import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GatewayServiceProvider;

import java.util.Objects;

/**
 * Registers the supervise MCP server as the gateway service named {@code supervise}. Found with
 * {@link java.util.ServiceLoader}, or registered directly with non-default {@link SuperviseOptions}.
 *
 * <p>{@link #start} listens on the request's bind address only, with a fresh random bearer for that bottle; the
 * returned service implements {@link dev.botbottle.spi.SuperviseService}, whose endpoint the agent provider
 * registers in the agent's CLI. Proposals go to {@link GatewayRequest#proposals()}.
 *
 * @since 0.1
 */
public final class SuperviseGatewayProvider implements GatewayServiceProvider {

    /** The service name. */
    public static final String NAME = "supervise";

    private final SuperviseOptions options;

    /** The provider {@link java.util.ServiceLoader} makes, with {@link SuperviseOptions#defaults()}. */
    public SuperviseGatewayProvider() {
        this(SuperviseOptions.defaults());
    }

    /** @param options waits and bounds for every server this provider starts */
    public SuperviseGatewayProvider(SuperviseOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SuperviseServer start(GatewayRequest request) {
        return SuperviseServer.start(request, options);
    }
}
