package dev.botbottle.gitgate;

import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GatewayServiceProvider;

import java.util.Objects;

/**
 * Registers the git gate as the gateway service named {@code gitgate}. Found with {@link java.util.ServiceLoader},
 * or registered directly with non-default {@link GitGateOptions}.
 *
 * <p>{@link #start} checks every remote first (its key file readable, its pinned host key well formed), opens or
 * creates the shared mirrors and the bottle's repositories, and listens on the request's bind address. It does not
 * reach upstream: the first fetch does.
 *
 * @since 0.1
 */
public final class GitGateProvider implements GatewayServiceProvider {

    /** The service name. */
    public static final String NAME = "gitgate";

    private final GitGateOptions options;

    /** The provider {@link java.util.ServiceLoader} makes, with {@link GitGateOptions#defaults()}. */
    public GitGateProvider() {
        this(GitGateOptions.defaults());
    }

    /** @param options mirror location and tuning for every gate this provider starts */
    public GitGateProvider(GitGateOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public GitGate start(GatewayRequest request) {
        return GitGate.start(request, options);
    }
}
