package dev.botbottle.egress.internal;

import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.RouteAuth;
import dev.botbottle.spi.Secret;
import dev.botbottle.spi.support.HostFiles;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Real requests through a private copy of the gateway's socket pipeline, made at start before the bottle is handed
 * over: what the first request through a new gateway pays once for running cold code (the socket channels, the
 * CONNECT and SNI handling, the leaf handshake on a real socket, the request rewriting and credential injection,
 * the upstream bootstrap, resolution and handshake) is paid here instead (the in-memory {@link Warmup} cannot run
 * that code: it needs sockets).
 * <p>
 * Nothing of the bottle's gateway is used but its engines and limits: the copy has its own throwaway CA, proxy
 * secret, credential and audit log in a temporary directory, listens on an ephemeral loopback port for as long as the
 * rehearsal lasts, routes one made-up {@code .invalid} host to an upstream of its own on loopback, and is closed and
 * deleted before the rehearsal returns. So a rehearsal leaves no audit entry, mints no leaf of the bottle's CA, and
 * offers the bottle nothing to reach: the listener needs a secret that never leaves this JVM and leads only to the
 * rehearsal's upstream.
 */
final class Rehearsal {

    /**
     * The requests made: three connections of two keep-alive requests each. More compile more of the path before
     * hand-over (200 requests took the first request from about 105 to about 90 ms in one run) but cost every
     * gateway start a second of CPU, which a launch on two cores and a test suite starting hundreds of gateways pay.
     */
    static final int CONNECTIONS = 3;
    static final int REQUESTS = 2;

    /**
     * What a rehearsal saw.
     *
     * @param statuses the status of every request, in order
     * @param authorizations the {@code Authorization} header the upstream received with every request (the
     *                       credential the copy injected), in order
     * @param token the credential the copy injected
     * @param directory the temporary directory the copy lived in (deleted when the rehearsal returns)
     * @param port the loopback port the copy listened on (closed when the rehearsal returns)
     */
    record Outcome(List<Integer> statuses, List<String> authorizations, String token, Path directory, int port) {
    }

    private Rehearsal() {
    }

    /**
     * @param engines the TLS and socket engines the bottle's gateway uses
     * @param limits its resource bounds
     * @param maxRequestBody its largest request body
     * @return what the rehearsal saw
     * @throws IOException when a step fails (the caller logs it; the bottle's first request then pays)
     */
    static Outcome run(Engines engines, Limits limits, int maxRequestBody) throws IOException {
        Path dir = Files.createTempDirectory("bottle-egress-rehearsal-");
        String host = "rehearsal-" + java.util.HexFormat.of().formatHex(random()) + ".invalid";
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random());
        List<String> seen = new CopyOnWriteArrayList<>();
        EventLoopGroup upstreamGroup = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("egress-rehearsal-upstream", true), engines.ioHandlerFactory());
        AuditLog audit = null;
        ProxyServer proxy = null;
        try {
            CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, "rehearsal", 2);
            SslContext leaf = ProxyContext.leafContext(ca, host, engines.sslProvider());
            Channel upstream = upstream(upstreamGroup, engines, leaf, seen);
            int upstreamPort = ((InetSocketAddress) upstream.localAddress()).getPort();
            InetSocketAddress upstreamAddress = new InetSocketAddress("127.0.0.1", upstreamPort);
            audit = AuditLog.open(dir.resolve("audit"));
            ProxySecret secret = ProxySecret.loadOrCreate(dir);
            EgressRoute route = EgressRoute.builder(host).auth(new RouteAuth("Bearer", "REHEARSAL"))
                    .ports(List.of(upstreamPort)).allowPrivate(true).build();
            Policy policy = Policy.build(List.of(route), ref -> Optional.of(Secret.of(token)), Map.of());
            ProxyContext copy = new ProxyContext("rehearsal", ca, audit, (h, p) -> upstreamAddress,
                    List.of(dir.resolve(CertificateAuthority.CERT_FILE)), maxRequestBody, policy, secret, limits,
                    engines);
            proxy = ProxyServer.start(copy, "127.0.0.1", 0, 1);
            SSLContext trust = trusting(ca);
            List<Integer> statuses = new java.util.ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                statuses.addAll(connection(proxy.port(), secret.header(), trust, host, upstreamPort, REQUESTS));
            }
            return new Outcome(List.copyOf(statuses), List.copyOf(seen), token, dir, proxy.port());
        } finally {
            if (proxy != null) {
                proxy.close();
            }
            if (audit != null) {
                audit.close();
            }
            upstreamGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            HostFiles.deleteTree(dir);
        }
    }

    /** The rehearsal's upstream: TLS with a leaf of the throwaway CA, HTTP/1.1, answers 200 and notes the credential. */
    private static Channel upstream(EventLoopGroup group, Engines engines, SslContext tls, List<String> seen) {
        return new ServerBootstrap().group(group).channel(engines.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(tls.newHandler(c.alloc()));
                        c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024));
                        c.pipeline().addLast(new SimpleChannelInboundHandler<FullHttpRequest>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                                seen.add(String.valueOf(request.headers().get(HttpHeaderNames.AUTHORIZATION)));
                                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                        HttpResponseStatus.OK, Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII));
                                response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 2);
                                ctx.writeAndFlush(response);
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    /** One client connection as a bottle's makes it: CONNECT with the proxy secret, TLS to the host, GETs. */
    private static List<Integer> connection(int proxyPort, String authorization, SSLContext trust, String host,
                                            int port, int requests) throws IOException {
        try (Socket raw = new Socket()) {
            raw.setTcpNoDelay(true);
            raw.setSoTimeout(10_000);
            raw.connect(new InetSocketAddress("127.0.0.1", proxyPort), 10_000);
            OutputStream o = raw.getOutputStream();
            o.write(("CONNECT " + host + ":" + port + " HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nProxy-Authorization: " + authorization + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            o.flush();
            String head = head(raw.getInputStream());
            if (!head.startsWith("HTTP/1.1 200")) {
                throw new IOException("the rehearsal's CONNECT was answered " + head.lines().findFirst().orElse(""));
            }
            try (SSLSocket tls = (SSLSocket) trust.getSocketFactory().createSocket(raw, host, port, true)) {
                tls.startHandshake();
                List<Integer> statuses = new java.util.ArrayList<>();
                for (int i = 0; i < requests; i++) {
                    boolean last = i == requests - 1;
                    tls.getOutputStream().write(("GET /rehearsal?q=" + i + " HTTP/1.1\r\nHost: " + host
                            + "\r\nAccept: */*\r\n" + (last ? "Connection: close\r\n" : "") + "\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    tls.getOutputStream().flush();
                    String response = head(tls.getInputStream());
                    statuses.add(Integer.parseInt(response.substring(9, 12)));
                    tls.getInputStream().readNBytes(2); // the body: "ok" (Content-Length: 2)
                }
                return statuses;
            }
        }
    }

    /** @return the head up to its blank line (bounded: the peers are this JVM's own) */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        int state = 0;
        while (state < 4 && b.size() < 16 * 1024 && (c = in.read()) >= 0) {
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                    ? state + 1 : 0;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private static SSLContext trusting(CertificateAuthority ca) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            ks.setCertificateEntry("rehearsal", ca.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, tmf.getTrustManagers(), null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IOException("could not make the rehearsal's client trust: " + e.getMessage(), e);
        }
    }

    private static byte[] random() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
