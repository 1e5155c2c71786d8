package dev.botbottle.egress.internal;

import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.EgressAuditEntry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/** What every connection of one gateway shares: policy, CA, audit log, upstream TLS and resolver. Thread-safe. */
public final class ProxyContext {

    /** Resolves an upstream host to the address the gateway connects to. */
    @FunctionalInterface
    public interface Resolver {
        /**
         * @param host the route host the bottle asked for
         * @param port the port
         * @return where to connect
         * @throws java.io.IOException when the host cannot be resolved
         */
        InetSocketAddress resolve(String host, int port) throws java.io.IOException;
    }

    /**
     * Where an upstream connection goes: the checked address, or why there is none.
     *
     * @param address the address to connect to (resolved, checked), or null
     * @param failure why the name could not be resolved, or null
     * @param refusal why the SSRF floor refuses the address, or null
     */
    record Resolved(InetSocketAddress address, String failure, String refusal) {
    }

    private final String slug;
    private final ProxySecret secret;
    private final Limits limits;
    private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
    private final CertificateAuthority ca;
    private final AuditLog audit;
    private final Resolver resolver;
    private final SslContext upstreamTls;
    /** Upstream TLS offering h2 and http/1.1 (for the bottle's HTTP/2 streams: negotiated separately). */
    private final SslContext upstreamTlsH2;
    private final Engines engines;
    private final int maxRequestBody;
    private final AtomicReference<Policy> policy;
    private final LruCache<String, SslContext> serverContexts;
    /** Name resolution may block (the system resolver does): never on an event loop. */
    private final java.util.concurrent.ThreadPoolExecutor resolverPool;
    /**
     * Every connection of the gateway (the bottle's, accepted; upstream; the warm-up's pre-connections), closed when
     * it stops; once closed, the group closes any connection added later. Stopping the event loops alone did not
     * close them all: a connect that a name lookup finishing during the stop started on a stopping loop outlived the
     * loop with its socket open, and so, now and then, did a bottle's HTTP/2 connection.
     */
    private final io.netty.channel.group.ChannelGroup opened;

    /**
     * @param slug the bottle
     * @param ca its CA
     * @param audit its audit log
     * @param resolver upstream resolution
     * @param extraCaFiles extra CAs trusted upstream
     * @param maxRequestBody the largest request body accepted, in bytes
     * @param initial the first policy
     * @param secret the proxy secret every front-door request must carry
     * @param limits the resource bounds
     * @param engines the TLS and socket engines
     */
    public ProxyContext(String slug, CertificateAuthority ca, AuditLog audit, Resolver resolver,
                        java.util.List<java.nio.file.Path> extraCaFiles, int maxRequestBody, Policy initial,
                        ProxySecret secret, Limits limits, Engines engines) {
        this.slug = slug;
        this.engines = engines;
        this.secret = secret;
        this.limits = limits;
        this.serverContexts = new LruCache<>(limits.maxCachedLeaves());
        this.ca = ca;
        this.audit = audit;
        this.resolver = resolver;
        javax.net.ssl.TrustManagerFactory trust = UpstreamTls.trust(extraCaFiles);
        this.upstreamTls = UpstreamTls.clientContext(trust, engines.sslProvider(), false);
        this.upstreamTlsH2 = UpstreamTls.clientContext(trust, engines.sslProvider(), true);
        this.maxRequestBody = maxRequestBody;
        this.policy = new AtomicReference<>(initial);
        this.resolverPool = new java.util.concurrent.ThreadPoolExecutor(4, 4, 30, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>(),
                new io.netty.util.concurrent.DefaultThreadFactory("egress-resolve-" + slug, true));
        this.resolverPool.allowCoreThreadTimeOut(true);
        this.opened = new io.netty.channel.group.DefaultChannelGroup("egress-connections-" + slug,
                io.netty.util.concurrent.GlobalEventExecutor.INSTANCE, true);
    }

    /**
     * Tracks a connection the gateway opens or accepts, so that it is closed when the gateway stops (at once, if it
     * already has). Called when the connection is registered with its event loop (from its initializer).
     *
     * @param connection the connection
     */
    void track(io.netty.channel.Channel connection) {
        opened.add(connection);
    }

    /**
     * Closes every connection of the gateway, and from now on every one it opens or accepts; before its loops stop.
     * Waits a moment for the closes (each sends its close_notify first).
     */
    void closeOpened() {
        opened.close().awaitUninterruptibly(2, java.util.concurrent.TimeUnit.SECONDS);
    }

    /**
     * Resolves off the event loop, applies the SSRF floor to the address, and continues on {@code loop}. The
     * address handed on is the one checked: the caller connects to exactly it (no second lookup, no rebinding).
     *
     * @param host the host
     * @param port the port
     * @param allowPrivate whether the route allows private addresses
     * @param loop where {@code then} runs
     * @param then receives the outcome
     */
    void resolve(String host, int port, boolean allowPrivate, java.util.concurrent.Executor loop,
                 java.util.function.Consumer<Resolved> then) {
        try {
            resolverPool.execute(() -> {
                Resolved r;
                try {
                    InetSocketAddress a = resolver.resolve(host, port);
                    if (a == null || a.isUnresolved()) {
                        r = new Resolved(null, "the resolver gave no address", null);
                    } else {
                        java.util.Optional<String> why = allowPrivate ? java.util.Optional.empty()
                                : AddressFloor.refusal(a.getAddress());
                        r = why.map(w -> new Resolved(null, null, "upstream address " + a.getAddress().getHostAddress()
                                + " of " + host + " is " + w + "; the gateway does not connect to such addresses"
                                + " unless the route says allow_private: true")).orElse(new Resolved(a, null, null));
                    }
                } catch (java.io.IOException | RuntimeException e) {
                    r = new Resolved(null, String.valueOf(e.getMessage()), null);
                }
                Resolved out = r;
                loop.execute(() -> then.accept(out));
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            loop.execute(() -> then.accept(new Resolved(null, "the gateway is stopping", null)));
        }
    }

    /** @return the proxy secret */
    ProxySecret secret() {
        return secret;
    }

    /** @return the resource bounds */
    Limits limits() {
        return limits;
    }

    /** @return the open-connection counter */
    java.util.concurrent.atomic.AtomicInteger connections() {
        return connections;
    }

    /** Stops the resolver threads. */
    void close() {
        resolverPool.shutdownNow();
    }

    String slug() {
        return slug;
    }

    Resolver resolver() {
        return resolver;
    }

    SslContext upstreamTls() {
        return upstreamTls;
    }

    /** @return the upstream TLS context offering h2 and http/1.1 by ALPN */
    SslContext upstreamTlsH2() {
        return upstreamTlsH2;
    }

    /** @return the engines this gateway runs on */
    public Engines engines() {
        return engines;
    }

    int maxRequestBody() {
        return maxRequestBody;
    }

    /** Says an upstream refused a credential value; completes once a new value is in force (or none came). */
    @FunctionalInterface
    public interface CredentialRefusals {
        /**
         * @param reference the credential's reference
         * @param sent the value the refused request carried
         * @param current the value in force now
         * @return completes when the refusal was dealt with
         */
        java.util.concurrent.CompletableFuture<Void> refused(String reference, dev.botbottle.spi.Secret sent,
                                                             dev.botbottle.spi.Secret current);
    }

    private volatile CredentialRefusals refusals = (r, s, c) -> java.util.concurrent.CompletableFuture.completedFuture(null);

    /** @param handler who deals with an upstream refusing a credential (HTTP 401) */
    public void onCredentialRefused(CredentialRefusals handler) {
        this.refusals = java.util.Objects.requireNonNull(handler, "handler");
    }

    /**
     * @param route the host pattern of the deciding route
     * @return the reference and value of the credential the policy in force injects on that route, if any
     */
    java.util.Optional<java.util.Map.Entry<String, dev.botbottle.spi.Secret>> injected(String route) {
        Policy p = policy.get();
        return p.table().routes().stream().filter(r -> r.host().equals(route)).findFirst()
                .flatMap(dev.botbottle.spi.EgressRoute::auth)
                .flatMap(a -> java.util.Optional.ofNullable(p.credentials().get(a.tokenRef()))
                        .map(v -> java.util.Map.entry(a.tokenRef(), v)));
    }

    /** @return completes once a refusal of {@code sent} was dealt with (a new value in force, or none came) */
    java.util.concurrent.CompletableFuture<Void> credentialRefused(String reference, dev.botbottle.spi.Secret sent) {
        dev.botbottle.spi.Secret current = policy.get().credentials().get(reference);
        if (current == null) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        return refusals.refused(reference, sent, current);
    }

    /** @return the policy in force */
    public Policy policy() {
        return policy.get();
    }

    /** @param next the policy every later decision uses */
    public void replacePolicy(Policy next) {
        policy.set(next);
    }

    /** @return the CA */
    public CertificateAuthority ca() {
        return ca;
    }

    /** Protocols offered to the bottle: HTTP/2 first, HTTP/1.1 for clients without it. */
    static final io.netty.handler.ssl.ApplicationProtocolConfig ALPN = new io.netty.handler.ssl.ApplicationProtocolConfig(
            io.netty.handler.ssl.ApplicationProtocolConfig.Protocol.ALPN,
            io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            io.netty.handler.ssl.ApplicationProtocolNames.HTTP_2, io.netty.handler.ssl.ApplicationProtocolNames.HTTP_1_1);

    /**
     * @param host a route host
     * @return the bottle-side TLS context for it (its leaf, minted on first use and cached), offering h2 and
     *         http/1.1
     */
    public SslContext serverContext(String host) {
        return serverContexts.get(host, h -> {
            try {
                return leafContext(ca, h, engines.sslProvider());
            } catch (SSLException e) {
                throw new BottleException("could not build a TLS context for " + h + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * A server context presenting {@code ca}'s leaf for {@code host}, offering h2 and http/1.1. It asks no client
     * certificate, so its trust manager is never consulted: naming one (the CA itself) keeps Netty's OpenSSL context
     * from loading the JDK's whole trust store for every leaf, and the JKS type of the in-memory key store keeps
     * it from protecting the leaf key with PKCS#12's key derivation; together about 28 ms of CPU per leaf on this
     * project's machine, 0.4 ms left (the leaf itself, minted by {@code ca}, is about 2 ms more).
     *
     * @param ca the CA
     * @param host the host
     * @param provider the TLS engine
     * @return the context
     * @throws SSLException when the engine refuses the key or certificate
     */
    static SslContext leafContext(CertificateAuthority ca, String host, io.netty.handler.ssl.SslProvider provider)
            throws SSLException {
        return SslContextBuilder.forServer(ca.leafKey(), ca.leafFor(host), ca.certificate()).sslProvider(provider)
                .keyStoreType("JKS").trustManager(ca.certificate()).applicationProtocolConfig(ALPN).build();
    }

    void audit(String method, String host, String path, String route, boolean allowed, String reason, int status,
               long up, long down) {
        audit.record(new EgressAuditEntry(Instant.now(), method, redact(host), redact(path), route,
                allowed ? EgressAuditEntry.Verdict.ALLOW : EgressAuditEntry.Verdict.DENY, redact(reason), status, up,
                down));
    }

    /**
     * @param text text that may quote what the bottle sent (a path, a header, a request target)
     * @return the text with every DLP finding replaced, safe for logs and the audit
     */
    String redact(String text) {
        var hits = policy.get().scanner().scan(text);
        return hits.isEmpty() ? text : dev.botbottle.dlp.DlpScanner.redact(text, hits);
    }

    String denialBody(String host, String reason) {
        String name = host.replaceFirst(":\\d+$", "").replace("\\", "").replace("\"", "");
        return "bot-bottle egress gateway: request denied for bottle " + slug + ".\n"
                + "Reason: " + redact(reason) + ".\n"
                + "To ask your operator for it, call the supervise MCP tool egress-block with {\"host\": \"" + name
                + "\", \"justification\": \"<why the task needs it>\"} (optional \"methods\", \"paths\");"
                + " do not retry around the gateway.\n";
    }

    static FullHttpResponse textResponse(HttpResponseStatus status, String body, boolean close) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        r.headers().set("X-Bot-Bottle-Egress", status.code() == 403 ? "denied" : "error");
        if (close) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return r;
    }

    static ChannelFuture send(ChannelHandlerContext ctx, HttpResponseStatus status, String body, boolean close) {
        return send(ctx, status, body, close, close);
    }

    /**
     * @param closeHeader whether the answer says {@code Connection: close}
     * @param close whether the connection closes once the answer is written
     */
    static ChannelFuture send(ChannelHandlerContext ctx, HttpResponseStatus status, String body, boolean closeHeader,
                              boolean close) {
        ChannelFuture f = ctx.writeAndFlush(textResponse(status, body, closeHeader));
        if (close) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
        return f;
    }
}
