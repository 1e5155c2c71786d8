package dev.botbottle.egress.internal;

import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressRoute;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Pays at gateway start, on a background thread, what the first request through a new gateway would otherwise pay:
 * the leaf certificate and TLS context of every exact route host, one TLS handshake between the gateway's own
 * engines (loading and initialising the TLS provider, the certificate path checks and the ciphers), the HTTP/1.1
 * and HTTP/2 codecs, the DLP scanner, and on the upstream side the HTTP client codec and one handshake of the
 * upstream client context; then real requests through a private copy of the socket pipeline ({@link Rehearsal});
 * meanwhile one TLS handshake with each exact route host ({@link Preconnect}), whose session the first request
 * resumes. Failures are logged at debug and change nothing: the request then pays.
 */
public final class Warmup {

    private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);

    private Warmup() {
    }

    /**
     * @param px the gateway's context
     * @param routes its routes (the exact hosts get their leaves now; a wildcard's hosts are not known yet)
     * @param loops the gateway's event loops (the pre-connections run there)
     * @return the thread doing it (a daemon)
     */
    public static Thread start(ProxyContext px, List<EgressRoute> routes, EventLoopGroup loops) {
        Thread t = new Thread(() -> run(px, routes, loops), "egress-warmup-" + px.slug());
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return t;
    }

    static void run(ProxyContext px, List<EgressRoute> routes, EventLoopGroup loops) {
        long start = System.nanoTime();
        CompletableFuture<Void> preconnect = Preconnect.start(px, loops, routes);
        Set<String> hosts = new LinkedHashSet<>();
        for (EgressRoute r : routes) {
            if (!r.host().startsWith("*") && !r.tlsPassthrough() && hosts.size() < px.limits().maxCachedLeaves()) {
                hosts.add(RouteTable.normalize(r.host()));
            }
        }
        try {
            for (String h : hosts) {
                px.serverContext(h);
            }
            // the client side verifies the name as a bottle's client does: the handshake must complete
            String host = hosts.isEmpty() ? "warmup.invalid" : hosts.iterator().next();
            handshake(px, px.serverContext(host), host);
            codecs();
            px.policy().scanner().scanEncoded("GET /warm?q=%41%42&t=" + "QUJD".repeat(8)
                    + " HTTP/1.1\r\nAuthorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x\r\n");
        } catch (RuntimeException | SSLException e) {
            LOG.debug("egress {} warm-up stopped: {}", px.slug(), e.toString());
        }
        upstreamSide(px);
        try {
            Rehearsal.Outcome o = Rehearsal.run(px.engines(), px.limits(), px.maxRequestBody());
            LOG.debug("egress {} rehearsal through a private copy of the pipeline answered {}", px.slug(),
                    o.statuses());
        } catch (IOException | RuntimeException e) {
            LOG.debug("egress {} rehearsal stopped: {}", px.slug(), e.toString());
        }
        try {
            // bounded: each pre-connection ends by its own timeout; this only guards a resolver that hangs
            preconnect.get(Preconnect.TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("egress {} pre-connections not all done: {}", px.slug(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.debug("egress {} warmed up ({} leaves) in {} ms", px.slug(), hosts.size(),
                (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * The upstream side: the HTTP client codec, and one handshake of the gateway's upstream client context (its trust
     * store, the BoringSSL or JDK client engine) against a leaf of its own CA, which that context does not trust:
     * the handshake ends in a verification failure, after the code every upstream handshake runs has run once.
     */
    private static void upstreamSide(ProxyContext px) {
        EmbeddedChannel client = new EmbeddedChannel(new HttpClientCodec());
        client.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        client.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                StandardCharsets.US_ASCII));
        release(client);
        try {
            handshake(px.upstreamTls(), px.serverContext("warmup.invalid"), "warmup.invalid");
        } catch (RuntimeException | SSLException e) {
            LOG.trace("egress {} upstream warm-up handshake ended as expected: {}", px.slug(), e.toString());
        }
        try {
            // the SSRF floor's first check enumerates the host's own addresses; the audit's JSON writer starts
            AddressFloor.refusal(java.net.InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1}));
            AuditLog.toJson(new EgressAuditEntry(java.time.Instant.now(), "GET", px.redact("warmup.invalid"),
                    px.redact("/"), "warmup", EgressAuditEntry.Verdict.ALLOW, px.redact(""), 200, 0, 0));
        } catch (java.io.IOException | RuntimeException e) {
            LOG.debug("egress {} warm-up of the floor and audit stopped: {}", px.slug(), e.toString());
        }
    }

    /** One handshake in memory: the gateway's leaf context against a client context trusting the bottle's CA. */
    private static void handshake(ProxyContext px, SslContext server, String host) throws SSLException {
        handshake(SslContextBuilder.forClient().sslProvider(px.engines().sslProvider())
                .trustManager(px.ca().certificate()).applicationProtocolConfig(ProxyContext.ALPN).build(), server,
                host);
    }

    private static void handshake(SslContext client, SslContext server, String host) throws SSLException {
        SSLEngine s = server.newEngine(ByteBufAllocator.DEFAULT);
        SSLEngine c = client.newEngine(ByteBufAllocator.DEFAULT, host, 443);
        try {
            ByteBuffer c2s = ByteBuffer.allocate(64 * 1024);
            ByteBuffer s2c = ByteBuffer.allocate(64 * 1024);
            ByteBuffer app = ByteBuffer.allocate(64 * 1024);
            ByteBuffer empty = ByteBuffer.allocate(0);
            c.beginHandshake();
            s.beginHandshake();
            for (int i = 0; i < 40 && !(done(c) && done(s)); i++) {
                step(c, empty, c2s, s2c, app);
                step(s, empty, s2c, c2s, app);
            }
        } finally {
            ReferenceCountUtil.release(s);
            ReferenceCountUtil.release(c);
        }
    }

    private static boolean done(SSLEngine e) {
        SSLEngineResult.HandshakeStatus h = e.getHandshakeStatus();
        return h == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || h == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    /** Lets {@code e} take what its peer sent ({@code in}) and send what it has ({@code out}). */
    private static void step(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer app)
            throws SSLException {
        in.flip();
        while (in.hasRemaining()) {
            app.clear();
            SSLEngineResult r = e.unwrap(in, app);
            runTasks(e);
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) {
                break;
            }
        }
        in.compact();
        for (int i = 0; i < 8; i++) {
            SSLEngineResult r = e.wrap(empty, out);
            runTasks(e);
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesProduced() == 0) {
                break;
            }
        }
    }

    private static void runTasks(SSLEngine e) {
        Runnable task;
        while ((task = e.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** Loads and runs the bottle-side codecs once. */
    private static void codecs() {
        EmbeddedChannel h1 = new EmbeddedChannel(new HttpServerCodec());
        h1.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: warmup.invalid\r\n\r\n",
                StandardCharsets.US_ASCII));
        release(h1);
        EmbeddedChannel h2 = new EmbeddedChannel(Http2FrameCodecBuilder.forServer().build());
        h2.writeInbound(Http2CodecUtil.connectionPrefaceBuf());
        release(h2);
    }

    private static void release(EmbeddedChannel ch) {
        Object m;
        while ((m = ch.readInbound()) != null) {
            ReferenceCountUtil.release(m);
        }
        while ((m = ch.readOutbound()) != null) {
            ReferenceCountUtil.release(m);
        }
        ch.finishAndReleaseAll();
    }
}
