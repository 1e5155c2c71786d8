package dev.botbottle.egress;

import dev.botbottle.egress.internal.Engines;
import dev.botbottle.spi.Diagnostic;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GatewayServiceProvider;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.List;
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

    /**
     * Checks that the DNS responder can have its port: a bottle's lookups fail at once only when it runs. Bound
     * on a loopback address no service uses, which fails the same ways a bridge address would (no right to bind
     * a port below 1024, or a DNS server already listening on every address).
     */
    @Override
    public List<Diagnostic> diagnose() {
        return List.of(engineDiagnostic(), dnsDiagnostic());
    }

    /** @return the engines every gateway of these options runs on (decided once per JVM and choice) */
    static Engines engines(EgressOptions options) {
        return options.nativeEngines() ? Native.ENGINES : JDK;
    }

    private static final Engines JDK = Engines.choose(false);

    /** Loads the native libraries on first use only. */
    private static final class Native {
        static final Engines ENGINES = Engines.choose(true);
    }

    private Diagnostic engineDiagnostic() {
        Engines e = engines(options);
        if (!options.nativeEngines() || (e.nativeTls() && e.epoll())) {
            return Diagnostic.ok("egress engines", e.describe());
        }
        return Diagnostic.warning("egress engines", e.describe() + "; the gateway works, at a lower speed and with a"
                + " slower start", "use a Linux x86_64 host with glibc (the native libraries ship for it), or see the"
                + " reason above");
    }

    private Diagnostic dnsDiagnostic() {
        if (options.dnsPort() < 0) {
            return Diagnostic.info("egress DNS responder", "turned off (EgressOptions.dnsPort -1)");
        }
        int port = options.dnsPort();
        try (DatagramSocket probe = new DatagramSocket(null)) {
            probe.bind(new InetSocketAddress("127.0.0.254", port));
            return (Diagnostic.ok("egress DNS responder", "UDP port " + port + " can be bound: outside names fail"
                    + " at once in bottles"));
        } catch (IOException e) {
            return (Diagnostic.warning("egress DNS responder", "UDP port " + port + " cannot be bound ("
                    + e.getMessage() + "): name lookups in bottles will wait for their time-out (about 20 s) instead"
                    + " of failing at once, and are not audited", "run as root, and make any DNS server on this host"
                    + " listen on its own addresses rather than on every address (0.0.0.0:53)"));
        }
    }
}
