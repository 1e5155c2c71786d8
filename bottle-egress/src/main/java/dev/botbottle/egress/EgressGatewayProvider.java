package dev.botbottle.egress;

import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GatewayServiceProvider;

import java.util.Objects;

/**
 * Registers the egress gateway as the gateway service named {@code egress}. Found with
 * {@link java.util.ServiceLoader}, or registered directly with non-default {@link EgressOptions}.
 *
 * <p>{@link #start} resolves every route's credential first (a missing one fails with a
 * {@link dev.botbottle.spi.CredentialException} naming the reference), loads or creates the bottle's CA in the state
 * directory, and listens on the request's bind address.
 *
 * @since 0.1
 */
public final class EgressGatewayProvider implements GatewayServiceProvider {

    /** The service name. */
    public static final String NAME = "egress";

    private final EgressOptions options;

    /** The provider {@link java.util.ServiceLoader} makes, with {@link EgressOptions#defaults()}. */
    public EgressGatewayProvider() {
        this(EgressOptions.defaults());
    }

    /** @param options resolver and tuning for every gateway this provider starts */
    public EgressGatewayProvider(EgressOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public EgressGateway start(GatewayRequest request) {
        return EgressGateway.start(request, options);
    }
}
