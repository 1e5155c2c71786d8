package dev.botbottle.egress.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;

/**
 * The upstream connection of one bottle connection: connected lazily to one host and kept alive across requests;
 * streams each response back to the bottle as it arrives (server-sent events stay live), with backpressure.
 */
final class UpstreamLink {

    /** How long a 401 waits for the credential source's new value before it is passed on anyway. */
    static final long CREDENTIAL_WAIT_SECONDS = 10;

    private final ProxyContext px;
    private final ChannelHandlerContext down;
    private final ExchangeHandler owner;
    private final String host;
    private final int port;
    private final boolean tls;
    private final boolean allowPrivate;
    /** on an auth route: responses are decompressed so echoed credentials can be replaced */
    private final boolean authRoute;
    private Channel channel;
    private boolean closed;

    // the exchange in flight
    private String method;
    private String path;
    private String route;
    private String reason;
    private long bytesUp;
    private long bytesDown;
    private int status;
    private boolean responseStarted;
    private boolean closeAfter;
    private boolean inFlight;
    private boolean upgrade;
    private EchoFilter echo;
    private boolean headWritten;
    private String note = "";
    private final java.util.ArrayDeque<io.netty.handler.codec.http.HttpContent> pendingBody = new java.util.ArrayDeque<>();
    /** the credential this exchange carries (reference and value), when its route injects one */
    private java.util.Map.Entry<String, dev.botbottle.spi.Secret> injected;

    /** for a bottle HTTP/2 stream: upstream offers h2 by ALPN, HTTP/2 connections are shared here; else null */
    private final UpstreamPool pool;
    private final String poolKey;

    UpstreamLink(ProxyContext px, ChannelHandlerContext down, ExchangeHandler owner, String host, int port,
                 boolean tls, boolean allowPrivate, boolean authRoute, UpstreamPool pool) {
        this.pool = pool;
        this.poolKey = host + ":" + port + "/" + allowPrivate + "/" + authRoute;
        this.px = px;
        this.down = down;
        this.owner = owner;
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.allowPrivate = allowPrivate;
        this.authRoute = authRoute;
    }

    boolean serves(String h, int p, boolean t, boolean priv, boolean auth) {
        return !closed && h.equals(host) && p == port && t == tls && priv == allowPrivate && auth == authRoute
                && (channel == null || channel.isActive());
    }

    /**
     * @param upgrade whether the request asks for a WebSocket upgrade (relayed frame by frame after a 101)
     * @param echoOf the credentials to replace in the response (auth routes), or null
     */
    void send(HttpRequest req, String method, String path, String route, String reason, boolean upgrade,
              java.util.Map<String, dev.botbottle.spi.Secret> echoOf) {
        this.upgrade = upgrade;
        this.headWritten = false;
        this.note = "";
        this.echo = echoOf == null ? null : new EchoFilter(echoOf);
        this.method = method;
        this.path = path;
        this.route = route;
        this.reason = reason;
        this.bytesUp = req instanceof FullHttpRequest f ? f.content().readableBytes() : 0;
        this.bytesDown = 0;
        this.status = 0;
        this.responseStarted = false;
        this.closeAfter = false;
        this.inFlight = true;
        this.injected = px.injected(route).orElse(null);
        HttpUtil.setKeepAlive(req, true);
        if (upgrade) {
            req.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION,
                    io.netty.handler.codec.http.HttpHeaderValues.UPGRADE);
        }
        if (channel != null && channel.isActive()) {
            write(req);
            return;
        }
        Channel shared = pool == null ? null : pool.http2(poolKey);
        if (shared != null) {
            openStream(shared, req);
            return;
        }
        px.resolve(host, port, allowPrivate, down.channel().eventLoop(), r -> {
            if (r.address() == null) {
                ReferenceCountUtil.release(req);
                if (r.refusal() != null) {
                    refuse(r.refusal());
                } else {
                    fail("could not resolve " + host + ": " + r.failure());
                }
                return;
            }
            connect(r.address(), req);
        });
    }

    /** Ends the exchange in flight with 403: the SSRF floor refused the upstream address. */
    private void refuse(String why) {
        releasePending();
        if (!inFlight) {
            return;
        }
        inFlight = false;
        px.audit(method, host, path, route, false, why, 403, 0, 0);
        ProxyContext.send(down, HttpResponseStatus.FORBIDDEN, px.denialBody(host, why), false)
                .addListener(f -> owner.finished(down, !f.isSuccess()));
    }

    /**
     * The next part of a streamed request body: sent at once when the head is out, held until then (the bottle
     * side stops reading while {@link #writable()} is false, so what is held stays small).
     */
    void writeBody(io.netty.handler.codec.http.HttpContent c) {
        bytesUp += c.content().readableBytes();
        if (headWritten && channel != null && channel.isActive()) {
            channel.writeAndFlush(c);
        } else if (closed || !inFlight) {
            c.release();
        } else {
            pendingBody.add(c);
        }
    }

    /** @return whether a streamed body may be read on: the head is out and the upstream takes more */
    boolean writable() {
        return headWritten && channel != null && channel.isWritable();
    }

    /** @param text what DLP did to a streamed body, added to the exchange's audit line */
    void addNote(String text) {
        note = text.isEmpty() ? "" : "; " + text;
    }

    /**
     * Ends a streamed request whose body DLP blocked: the upstream connection is cut before the body completes
     * (nothing past the secret was sent), the bottle gets the denial (its connection then closes).
     *
     * @param why the reason, audited and answered
     * @param lingering whether the bottle is still sending the body: the caller then closes the connection once the
     *                  body is read or a bound passes, so that the client reads the denial instead of a reset
     */
    void abort(String why, boolean lingering) {
        releasePending();
        if (channel != null) {
            channel.close();
        }
        closed = true;
        if (!inFlight) {
            down.close();
            return;
        }
        inFlight = false;
        px.audit(method, host, path, route, false, why, 403, bytesUp, bytesDown);
        if (responseStarted) {
            down.close();
        } else {
            ProxyContext.send(down, HttpResponseStatus.FORBIDDEN, px.denialBody(host, why), true, !lingering);
        }
    }

    private void releasePending() {
        io.netty.handler.codec.http.HttpContent c;
        while ((c = pendingBody.poll()) != null) {
            c.release();
        }
    }

    private void connect(InetSocketAddress address, HttpRequest req) {
        Bootstrap b = new Bootstrap().group(down.channel().eventLoop()).channel(px.engines().socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        px.track(ch);
                        if (tls) {
                            io.netty.handler.ssl.SslContext c = pool != null ? px.upstreamTlsH2() : px.upstreamTls();
                            ch.pipeline().addLast("tls", c.newHandler(ch.alloc(), host, port));
                        }
                        if (pool == null) {
                            http1(ch);
                        } // else: HTTP/1.1 or HTTP/2, as the upstream chooses by ALPN (after the handshake)
                    }
                });
        b.connect(address).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                ReferenceCountUtil.release(req);
                fail("could not connect to " + host + ":" + port + ": " + f.cause().getMessage());
                return;
            }
            channel = f.channel();
            if (closed) {
                ReferenceCountUtil.release(req);
                channel.close();
                return;
            }
            if (!tls) {
                write(req);
                return;
            }
            channel.pipeline().get(SslHandler.class).handshakeFuture().addListener(h -> {
                if (h.isSuccess() && pool != null) {
                    Channel conn = channel;
                    if (io.netty.handler.ssl.ApplicationProtocolNames.HTTP_2.equals(
                            conn.pipeline().get(SslHandler.class).applicationProtocol())) {
                        channel = null;
                        Http2Upstream.configure(conn);
                        pool.putHttp2(poolKey, conn);
                        openStream(conn, req);
                    } else {
                        http1(conn);
                        write(req);
                    }
                } else if (h.isSuccess()) {
                    write(req);
                } else {
                    ReferenceCountUtil.release(req);
                    fail("TLS to upstream " + host + ":" + port + " failed, its certificate was not accepted: "
                            + rootMessage(h.cause()));
                    channel.close();
                }
            });
        });
    }

    /** The HTTP/1.1 client pipeline of an upstream connection (or of an HTTP/2 stream, translated). */
    private void http1(Channel ch) {
        ch.pipeline().addLast("codec", new HttpClientCodec());
        relayHandlers(ch);
    }

    private void relayHandlers(Channel ch) {
        if (authRoute) {
            ch.pipeline().addLast("inflate", new io.netty.handler.codec.http.HttpContentDecompressor(0));
        }
        ch.pipeline().addLast("relay", new ResponseRelay());
    }

    /** Opens a stream on a shared upstream HTTP/2 connection for this exchange, then sends the request on it. */
    private void openStream(Channel conn, HttpRequest req) {
        Http2Upstream.openStream(conn, this::relayHandlers).addListener(f -> {
            if (!f.isSuccess()) {
                ReferenceCountUtil.release(req);
                fail("could not open an HTTP/2 stream to " + host + ":" + port + ": " + f.cause().getMessage());
                return;
            }
            channel = (Channel) f.getNow();
            if (closed) {
                ReferenceCountUtil.release(req);
                channel.close();
                return;
            }
            write(req);
        });
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + c.getMessage() + ")";
    }

    private void write(HttpRequest req) {
        channel.writeAndFlush(req).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                fail("could not send the request to " + host + ": " + f.cause().getMessage());
                f.channel().close();
            }
        });
        headWritten = true;
        io.netty.handler.codec.http.HttpContent c;
        while ((c = pendingBody.poll()) != null) {
            channel.write(c);
        }
        channel.flush();
        owner.upstreamWritable(down);
    }

    /** Ends the exchange in flight with 502, before any response byte reached the bottle. */
    private void fail(String why) {
        releasePending();
        if (!inFlight) {
            return;
        }
        inFlight = false;
        if (responseStarted) {
            px.audit(method, host, path, route, true, reason + "; upstream broke off: " + why, status, bytesUp,
                    bytesDown);
            down.close();
            return;
        }
        px.audit(method, host, path, route, true, "upstream failure: " + why, 502, bytesUp, 0);
        ProxyContext.send(down, HttpResponseStatus.BAD_GATEWAY, "bot-bottle egress gateway: " + why + "\n", false)
                .addListener(f -> owner.finished(down, !f.isSuccess()));
    }

    void downstreamWritable(boolean writable) {
        if (channel != null) {
            channel.config().setAutoRead(writable);
            if (writable) {
                channel.read();
            }
        }
    }

    void close() {
        closed = true;
        releasePending();
        if (channel != null) {
            channel.close();
        }
    }

    /**
     * Streams the upstream response to the bottle. A 401 to a request that carried a credential is held back (with
     * whatever follows it) until the credential source was asked for a new value, so the agent's retry carries it.
     */
    private final class ResponseRelay extends ChannelInboundHandlerAdapter {
        private java.util.List<Object> held;
        private boolean inactiveWhileHeld;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (held != null) {
                held.add(msg);
                return;
            }
            if (msg instanceof HttpResponse r && r.status().code() == 401 && injected != null && inFlight) {
                held = new java.util.ArrayList<>(java.util.List.of(msg));
                ctx.channel().config().setAutoRead(false);
                px.credentialRefused(injected.getKey(), injected.getValue())
                        .orTimeout(CREDENTIAL_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)
                        .whenComplete((v, e) -> ctx.channel().eventLoop().execute(() -> release(ctx)));
                return;
            }
            relay(ctx, msg);
        }

        private void release(ChannelHandlerContext ctx) {
            java.util.List<Object> pending = held;
            held = null;
            pending.forEach(m -> relay(ctx, m));
            if (inactiveWhileHeld) {
                channelInactive(ctx);
                return;
            }
            down.flush();
            ctx.channel().config().setAutoRead(down.channel().isWritable());
        }

        private void relay(ChannelHandlerContext ctx, Object msg) {
            if (!inFlight) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpResponse r) {
                if (r.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL
                        && r.status().code() != 101) {
                    ReferenceCountUtil.release(msg);
                    return;
                }
                responseStarted = true;
                status = r.status().code();
                if (echo != null && echo.active()) {
                    r.headers().forEach(h -> {
                        String v = echo.whole(h.getValue());
                        if (!v.equals(h.getValue())) {
                            h.setValue(v);
                        }
                    });
                    String ce = r.headers().get(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_ENCODING);
                    if (ce != null && !ce.equalsIgnoreCase("identity")) {
                        ReferenceCountUtil.release(msg);
                        responseStarted = false;
                        fail("upstream answered with content-encoding '" + ce + "', which the gateway cannot check"
                                + " for an echoed credential");
                        ctx.close();
                        return;
                    }
                }
                if (status == 101) {
                    if (!upgrade) {
                        ReferenceCountUtil.release(msg);
                        responseStarted = false;
                        fail("upstream switched protocols without a WebSocket upgrade request");
                        ctx.close();
                        return;
                    }
                    inFlight = false;
                    WebSocketBridge.splice(px, down, owner, ctx.channel(), r, host, path, route, echo);
                    return;
                }
                boolean noBody = "HEAD".equals(method) || status == 204 || status == 304;
                closeAfter = !HttpUtil.isKeepAlive(r)
                        || (!noBody && !HttpUtil.isContentLengthSet(r) && !HttpUtil.isTransferEncodingChunked(r));
            }
            if (msg instanceof HttpContent c) {
                bytesDown += c.content().readableBytes();
                if (echo != null && echo.active()) {
                    msg = echo.filter(c);
                }
            }
            boolean last = msg instanceof LastHttpContent;
            if (last) {
                inFlight = false;
                boolean close = closeAfter;
                String said = (echo != null && echo.replaced() > 0 ? reason + "; the upstream echoed this route's"
                        + " credential " + echo.replaced() + " time(s), replaced with a placeholder" : reason) + note;
                px.audit(method, host, path, route, true, said, status, bytesUp, bytesDown);
                down.writeAndFlush(msg).addListener(f -> owner.finished(down, close || !f.isSuccess()));
                if (close) {
                    ctx.close();
                }
            } else {
                down.write(msg);
                if (!down.channel().isWritable()) {
                    down.flush();
                    if (!down.channel().isWritable()) {
                        ctx.channel().config().setAutoRead(false); // resumed by the bottle side's writability
                    }
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            down.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            owner.upstreamWritable(down);
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (held != null) {
                inactiveWhileHeld = true; // what it sent last is still held: deliver it first
                return;
            }
            fail("upstream " + host + " closed the connection");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // handshake failures are reported by the handshake listener with a 502
            if (!(cause instanceof io.netty.handler.codec.DecoderException
                    && cause.getCause() instanceof javax.net.ssl.SSLException)) {
                fail("upstream " + host + " failed: " + cause.getMessage());
            }
            ctx.close();
        }
    }
}
