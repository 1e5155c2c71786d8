package dev.botbottle.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link GatewayServiceProvider} needs to start a service for one bottle: a serialisable configuration
 * derived from the plan, plus where to bind and how to resolve credentials.
 *
 * @param slug the bottle
 * @param bindAddress the host address to listen on (an IP literal)
 * @param port the port to listen on; 0 for an ephemeral port (a resumed bottle asks for its previous port)
 * @param stateDir the bottle's state directory (CA, audit log live there)
 * @param routes the egress routes (manifest and provider merged)
 * @param remotes the git remotes the gate brokers
 * @param credentials resolves route and key credentials
 * @param extraCaFiles host files of extra CA certificates upstream TLS should trust
 * @param progress receives progress
 * @since 0.1
 */
public record GatewayRequest(String slug, String bindAddress, int port, Path stateDir, List<EgressRoute> routes,
                             List<GitRemote> remotes, CredentialSource credentials, List<Path> extraCaFiles,
                             ProgressListener progress) {
    public GatewayRequest {
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(progress, "progress");
        routes = List.copyOf(routes);
        remotes = List.copyOf(remotes);
        extraCaFiles = List.copyOf(extraCaFiles);
    }
}
