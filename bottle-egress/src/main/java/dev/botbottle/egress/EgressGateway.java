package dev.botbottle.egress;

import dev.botbottle.egress.internal.AuditLog;
import dev.botbottle.egress.internal.CertificateAuthority;
import dev.botbottle.egress.internal.CredentialRefresh;
import dev.botbottle.egress.internal.DnsResponder;
import dev.botbottle.egress.internal.Policy;
import dev.botbottle.egress.internal.ProxyContext;
import dev.botbottle.egress.internal.Limits;
import dev.botbottle.egress.internal.ProxyServer;
import dev.botbottle.egress.internal.Warmup;
import dev.botbottle.egress.internal.ProxySecret;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GatewayPorts;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ProvisionStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The running egress gateway of one bottle: an HTTP proxy (absolute-form {@code http://} and {@code CONNECT}) that
 * allows only the bottle's routes, intercepts TLS with the bottle's own CA, injects real credentials, scans outbound
 * requests for secrets and writes every decision to {@code <stateDir>/audit.jsonl}.
 *
 * <p>Made by {@link EgressGatewayProvider#start}. Thread-safe. {@link #close()} stops listening; the CA and the
 * audit log stay in the state directory for a resume.
 *
 * @since 0.1
 */
public final class EgressGateway implements GatewayService, EgressControl {

    private static final Logger LOG = LoggerFactory.getLogger(EgressGateway.class);

    /** Rule name under which the proxy secret is reported if the bottle tries to send it out. */
    static final String PROXY_SECRET_RULE = "bottle-proxy-secret";

    private final String slug;
    private final ProxySecret secret;
    private final CredentialSource credentials;
    private final CertificateAuthority ca;
    private final AuditLog audit;
    private final ProxyContext context;
    private final ProxyServer server;
    private final java.util.Optional<DnsResponder> dns;
    private final Object routeLock = new Object();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile List<EgressRoute> routes;
    private volatile Thread warmup;
    private final CredentialRefresh refresh;

    private EgressGateway(GatewayRequest request, CertificateAuthority ca, AuditLog audit, ProxyContext context,
                          ProxyServer server, java.util.Optional<DnsResponder> dns, ProxySecret secret,
                          CredentialRefresh refresh) {
        this.refresh = refresh;
        this.dns = dns;
        this.slug = request.slug();
        this.secret = secret;
        this.credentials = request.credentials();
        this.routes = request.routes();
        this.ca = ca;
        this.audit = audit;
        this.context = context;
        this.server = server;
    }

    static EgressGateway start(GatewayRequest request, EgressOptions options) {
        // credentials are asked for again before they expire and after an upstream refused one (HTTP 401)
        CredentialRefresh refresh = new CredentialRefresh(request.slug(), request.credentials(),
                java.time.Clock.systemUTC());
        GatewayRequest tracked = request.toBuilder().credentials(refresh.tracking()).build();
        try {
            return start(tracked, options, refresh);
        } catch (RuntimeException e) {
            refresh.close();
            throw e;
        }
    }

    private static EgressGateway start(GatewayRequest request, EgressOptions options, CredentialRefresh refresh) {
        ProxySecret secret = ProxySecret.loadOrCreate(request.stateDir());
        Policy policy = Policy.build(request.routes(), request.credentials(), java.util.Map.of(),
                java.util.Map.of(PROXY_SECRET_RULE, secret.secret()));
        EgressLimits limits = options.limits();
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(request.stateDir(), request.slug(),
                limits.maxCachedLeaves());
        AuditLog audit = AuditLog.open(request.stateDir(), limits.maxAuditBytes(), limits.auditFilesKept());
        try {
            UpstreamResolver r = options.resolver();
            ProxyContext px = new ProxyContext(request.slug(), ca, audit, r::resolve, request.extraCaFiles(),
                    options.maxRequestBodyBytes(), policy, secret, new Limits(limits.maxConnections(),
                    limits.maxHeaderBytes(), limits.maxHeaderCount(), limits.headTimeout(), limits.idleTimeout(),
                    limits.maxQueuedRequests(), limits.maxCachedLeaves()), EgressGatewayProvider.engines(options));
            ProxyServer server = ProxyServer.start(px, request.bindAddress(), request.port(), options.workerThreads());
            java.util.Optional<DnsResponder> dns = options.dnsPort() < 0 ? java.util.Optional.empty()
                    : DnsResponder.start(px, request.bindAddress(), options.dnsPort());
            LOG.info("egress gateway of bottle {} listening on {}:{} (CA {}, {} routes, DNS responder {}; {})",
                    request.slug(), request.bindAddress(), server.port(), ca.fingerprint(), request.routes().size(),
                    dns.map(d -> "on port " + d.port()).orElse("off"), px.engines().describe());
            EgressGateway gateway = new EgressGateway(request, ca, audit, px, server, dns, secret, refresh);
            px.onCredentialRefused(refresh::refused);
            refresh.start(gateway::credentialInForce);
            gateway.warmup = Warmup.start(px, request.routes(), server.eventLoops());
            return gateway;
        } catch (RuntimeException e) {
            audit.close();
            throw e;
        }
    }

    /**
     * Waits for the background warm-up begun at start (the leaves of the exact route hosts, one TLS handshake on
     * each side, the codecs, the DLP scanner) to finish, so that a caller can hand the bottle over only once the
     * first request pays nothing a later one does not. Never needed for correctness: a request that arrives
     * earlier is served, and pays what is not warm yet.
     *
     * @param timeout how long to wait at most
     * @return whether the warm-up has finished
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public boolean awaitWarmUp(java.time.Duration timeout) throws InterruptedException {
        return awaitReady(timeout);
    }

    /** Waits for the warm-up ({@link #awaitWarmUp}). */
    @Override
    public boolean awaitReady(java.time.Duration timeout) throws InterruptedException {
        Thread t = warmup;
        t.join(Math.max(1, timeout.toMillis()));
        return !t.isAlive();
    }

    /** @return the bottle's CA (for tests in this package) */
    CertificateAuthority certificateAuthority() {
        return ca;
    }

    @Override
    public String name() {
        return EgressGatewayProvider.NAME;
    }

    @Override
    public int port() {
        return server.port();
    }

    /** @return the proxy port, and the DNS responder's port over UDP and TCP when it runs */
    @Override
    public GatewayPorts ports() {
        return dns.map(d -> new GatewayPorts(List.of(port(), d.port()), List.of(d.port())))
                .orElse(GatewayPorts.tcp(port()));
    }

    /** @return the port the bottle's DNS responder answers on (UDP and TCP), if it runs */
    public java.util.OptionalInt dnsPort() {
        return dns.map(d -> java.util.OptionalInt.of(d.port())).orElse(java.util.OptionalInt.empty());
    }

    /** @return the bottle's CA certificate in PEM form (what the bottle must trust) */
    public String caCertificatePem() {
        return ca.certificatePem();
    }

    /**
     * @return the {@code Proxy-Authorization} value every request at this gateway's front door must carry (the
     *         bottle has it inside its proxy URL); for an embedder's own client of the gateway
     * @since 0.2
     */
    public String proxyAuthorization() {
        return secret.header();
    }

    /** @return the audit log file */
    public Path auditFile() {
        return audit.file();
    }

    /**
     * What the bottle needs: its CA in the trust store (the provisioning engine also points the CA variables of
     * Node, Python and OpenSSL at the system bundle), and the proxy variables (both cases) pointing at this
     * gateway with the bottle's proxy secret as the URL's user info ({@code http://bottle:<secret>@addr:port}: curl,
     * git, Node's and Rust's HTTP clients send it as {@code Proxy-Authorization: Basic}), with {@code NO_PROXY}
     * covering loopback and the gateway address so the bottle reaches its other gateway services directly.
     * {@code GIT_HTTP_PROXY_AUTHMETHOD=basic} makes git send the secret at once instead of after a 407.
     */
    @Override
    public List<ProvisionStep> bottleSteps(HostReach reach) {
        String certName = "bot-bottle-egress-" + slug;
        String proxy = "http://" + secret.userInfo() + "@" + hostLiteral(reach.bottleAddress()) + ":" + port();
        String noProxy = "localhost,127.0.0.1,::1," + reach.bottleAddress();
        List<ProvisionStep> steps = new ArrayList<>();
        steps.add(new ProvisionStep.TrustCertificate(certName, ca.certificatePem()));
        for (String v : List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")) {
            steps.add(new ProvisionStep.SetEnv(v, proxy));
        }
        steps.add(new ProvisionStep.SetEnv("NO_PROXY", noProxy));
        steps.add(new ProvisionStep.SetEnv("no_proxy", noProxy));
        steps.add(new ProvisionStep.SetEnv("GIT_HTTP_PROXY_AUTHMETHOD", "basic"));
        return List.copyOf(steps);
    }

    private static String hostLiteral(String address) {
        return address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
    }

    @Override
    public List<EgressRoute> routes() {
        return routes;
    }

    @Override
    public void replaceRoutes(List<EgressRoute> next) {
        synchronized (routeLock) {
            Policy policy = Policy.build(next, credentials, context.policy().credentials(),
                    java.util.Map.of(PROXY_SECRET_RULE, secret.secret()));
            context.replacePolicy(policy);
            routes = List.copyOf(next);
            LOG.info("egress gateway of bottle {}: routes replaced ({} routes)", slug, next.size());
        }
    }

    /** Puts a refreshed value of a credential in force: requests decided from now on carry it. */
    private void credentialInForce(String reference, dev.botbottle.spi.Secret value) {
        synchronized (routeLock) {
            if (closed.get()) {
                return;
            }
            java.util.Map<String, dev.botbottle.spi.Secret> known = new java.util.HashMap<>(context.policy().credentials());
            known.put(reference, value);
            context.replacePolicy(Policy.build(routes, credentials, known,
                    java.util.Map.of(PROXY_SECRET_RULE, secret.secret())));
        }
    }

    @Override
    public List<EgressAuditEntry> readAudit() {
        return audit.readAll();
    }

    @Override
    public Subscription followAudit(Consumer<EgressAuditEntry> listener) {
        return audit.follow(listener);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        refresh.close();
        synchronized (routeLock) {
            try {
                dns.ifPresent(DnsResponder::close);
                server.close();
            } finally {
                audit.close();
            }
        }
    }

    @Override
    public String toString() {
        return "EgressGateway[" + slug + ", port " + port() + "]";
    }
}
