package dev.botbottle.gateway;

import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GitRemote;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The serialisable configuration of one bottle's gateway program, derived from the plan by the launcher
 * (DESIGN §12): which services run, where they listen, their routes and remotes, where their state is, and where
 * credentials come from. It holds no secret: credentials travel beside it on the program's standard input
 * ({@link #CREDENTIALS_FROM_STDIN}), never in this object, on a command line or in an environment.
 *
 * @param slug the bottle
 * @param services the services to run, by {@code GatewayServiceProvider} name, in start order
 * @param bindAddress where the services listen, as the program sees its network (an IP literal)
 * @param ports the port each service asks for again (resume), by name; others take an ephemeral port
 * @param stateDir the bottle's state directory (CA, audit log, git repositories)
 * @param controlSocket the Unix domain socket the program listens on for its runtime (in a 0700 directory)
 * @param routes the egress routes
 * @param remotes the git remotes; key files are read from {@link GitRemote#identity()}
 * @param extraCaFiles extra CA files upstream TLS trusts
 * @param upstreamAddresses fixed upstream addresses by host name ({@code "*"} for every host), as {@code ip:port}:
 *                          split-horizon set-ups and tests with a local upstream; empty to resolve with DNS. The SSRF
 *                          floor still applies (a private address needs {@code allow_private})
 * @param egressLimits the egress gateway's bounds; empty for its defaults
 * @param gitMirrorRoot where the git gate keeps its shared mirrors; empty for its default
 * @param credentials where credentials come from: {@link #CREDENTIALS_FROM_STDIN}
 * @since 0.3
 */
public record GatewayConfig(String slug, List<String> services, String bindAddress, Map<String, Integer> ports,
                            Path stateDir, Path controlSocket, List<EgressRoute> routes, List<GitRemote> remotes,
                            List<Path> extraCaFiles, Map<String, String> upstreamAddresses,
                            Optional<dev.botbottle.egress.EgressLimits> egressLimits, Optional<Path> gitMirrorRoot,
                            String credentials) {

    /** Credentials arrive once, on standard input, beside the configuration. */
    public static final String CREDENTIALS_FROM_STDIN = "stdin";

    public GatewayConfig {
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(controlSocket, "controlSocket");
        Objects.requireNonNull(egressLimits, "egressLimits");
        Objects.requireNonNull(gitMirrorRoot, "gitMirrorRoot");
        Objects.requireNonNull(credentials, "credentials");
        services = List.copyOf(services);
        ports = Map.copyOf(ports);
        routes = List.copyOf(routes);
        remotes = List.copyOf(remotes);
        extraCaFiles = List.copyOf(extraCaFiles);
        upstreamAddresses = Map.copyOf(upstreamAddresses);
        if (!CREDENTIALS_FROM_STDIN.equals(credentials)) {
            throw new IllegalArgumentException("gateway credentials come from '" + CREDENTIALS_FROM_STDIN
                    + "' only, not '" + credentials + "'");
        }
        for (String address : upstreamAddresses.values()) {
            int colon = address.lastIndexOf(':');
            if (colon <= 0 || !address.substring(colon + 1).matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException("upstream address '" + address + "' is not ip:port");
            }
        }
    }

    /**
     * The first line on the program's standard input.
     *
     * @param config the configuration
     * @param credentials credential values by reference (token_ref), only those the routes name
     * @param controlToken the token every control connection starts with
     */
    public record Start(GatewayConfig config, Map<String, String> credentials, String controlToken) {
        public Start {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(controlToken, "controlToken");
            credentials = Map.copyOf(credentials);
        }

        @Override
        public String toString() {
            return "Start[" + config.slug() + ", " + credentials.size() + " credentials]";
        }
    }
}
