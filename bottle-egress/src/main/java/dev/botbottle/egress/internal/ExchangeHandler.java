package dev.botbottle.egress.internal;

import dev.botbottle.spi.EgressRoute;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.Locale;

/**
 * Handles the HTTP requests of one bottle connection, one at a time: at the front door (absolute-form
 * {@code http://} requests and {@code CONNECT}), or inside an intercepted TLS tunnel (origin-form requests to the
 * tunnel's host). Decides, rewrites and forwards each request through an {@link UpstreamLink}.
 */
final class ExchangeHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ExchangeHandler.class);

    /** The host and port of an intercepted CONNECT tunnel. */
    record Tunnel(String host, int port) {
    }

    private final ProxyContext px;
    private final Tunnel tunnel;
    /** Requests read and not yet handled: {@link FullHttpRequest} or {@link BodyGate.StreamStart}. */
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    /** Body parts of a streamed request still in the queue (reading pauses while there are any). */
    private final ArrayDeque<HttpContent> held = new ArrayDeque<>();
    private boolean busy;
    private UpstreamLink upstream;
    /** The streamed request being decided (set only inside {@link #handle}). */
    private BodyGate.StreamStart starting;
    /** The body being streamed upstream. */
    private StreamedBody stream;
    /** Dropping the rest of a refused streamed body (the connection closes after the answer). */
    private boolean discarding;
    /** The answer to a refused body is written; the connection closes when the body is read or after a bound. */
    private boolean lingering;
    /** How long the rest of a refused body is read and dropped before the connection closes. */
    private static final int LINGER_SECONDS = 5;

    /** The upstream HTTP/2 connections shared by the streams of a bottle HTTP/2 connection; null on HTTP/1.1. */
    private final UpstreamPool pool;

    ExchangeHandler(ProxyContext px, Tunnel tunnel, UpstreamPool pool) {
        this.px = px;
        this.tunnel = tunnel;
        this.pool = pool;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest || msg instanceof BodyGate.StreamStart) {
            queue.add(msg);
            reading(ctx);
            if (!busy) {
                next(ctx);
            }
        } else if (msg instanceof HttpContent c) {
            body(ctx, c);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void body(ChannelHandlerContext ctx, HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        if (discarding) {
            c.release();
            discarding = !last;
            if (!discarding && lingering) {
                ctx.close();
            } else if (lingering) {
                ctx.channel().config().setAutoRead(true);
            }
            return;
        }
        if (stream == null) {
            held.add(c);
            reading(ctx);
            return;
        }
        HttpContent out = stream.next(c);
        if (out == null) {
            String rules = stream.rules();
            stream = null;
            discarding = !last;
            releaseHeld();
            upstream.abort("outbound data-loss prevention found a secret (rule " + rules + ") in the streamed"
                    + " request body; nothing past it was sent, and the upstream connection was cut", discarding);
            if (discarding) {
                linger(ctx);
            }
            return;
        }
        upstream.writeBody(out);
        if (last) {
            upstream.addNote(stream.note());
            stream = null;
        }
        reading(ctx);
    }

    /**
     * Reads and drops the rest of a refused body before closing (a close with unread bytes resets the connection,
     * and the client would lose the denial it has not read yet), for at most {@link #LINGER_SECONDS}.
     */
    private void linger(ChannelHandlerContext ctx) {
        lingering = true;
        ctx.channel().config().setAutoRead(true);
        ctx.executor().schedule(() -> {
            ctx.close();
        }, LINGER_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Reads on only while the queue is short, no queued body is held and a streamed body's upstream keeps up. */
    private void reading(ChannelHandlerContext ctx) {
        boolean pause = queue.size() >= px.limits().maxQueuedRequests() || !held.isEmpty()
                || (stream != null && (upstream == null || !upstream.writable()));
        ctx.channel().config().setAutoRead(!pause);
    }

    /** Called by the upstream link when it takes more of a streamed body (head written, writable again). */
    void upstreamWritable(ChannelHandlerContext ctx) {
        if (stream != null) {
            reading(ctx);
        }
    }

    private void releaseHeld() {
        HttpContent c;
        while ((c = held.poll()) != null) {
            c.release();
        }
    }

    private void next(ChannelHandlerContext ctx) {
        Object item;
        while (!busy && (item = queue.poll()) != null) {
            busy = true;
            FullHttpRequest req;
            if (item instanceof BodyGate.StreamStart s) {
                starting = s;
                req = new DefaultFullHttpRequest(s.head.protocolVersion(), s.head.method(), s.head.uri(),
                        Unpooled.EMPTY_BUFFER, s.head.headers(), new DefaultHttpHeaders());
            } else {
                req = (FullHttpRequest) item;
            }
            try {
                handle(ctx, req);
            } catch (RuntimeException e) {
                LOG.warn("egress gateway of bottle {}: request failed: {}", px.slug(), e.toString());
                ReferenceCountUtil.safeRelease(req);
                ProxyContext.send(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                        "bot-bottle egress gateway: internal error: " + e.getMessage() + "\n", true);
                return;
            } finally {
                if (starting != null) {
                    // refused before it was forwarded: drop its body, the answer closes the connection
                    starting.release();
                    starting = null;
                    releaseHeld();
                    discarding = true;
                }
            }
            reading(ctx);
        }
    }

    /** Called by the upstream link when the response to the current request is complete. */
    void finished(ChannelHandlerContext ctx, boolean close) {
        busy = false;
        if (close || stream != null || discarding) {
            // a body still arriving for an answered request cannot be told from the next request: close
            stream = null;
            ctx.close();
            return;
        }
        next(ctx);
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        String method = req.method().name();
        if (!req.decoderResult().isSuccess()) {
            Throwable cause = req.decoderResult().cause();
            int status = cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException ? 431
                    : cause instanceof io.netty.handler.codec.http.TooLongHttpLineException ? 414 : 400;
            String reason = status == 400 ? "malformed request: " + cause : "request head too large: "
                    + cause.getMessage() + " (the gateway's limit is " + px.limits().maxHeaderBytes() + " bytes)";
            px.audit(method, tunnel == null ? "" : tunnel.host(), "", "", false, reason, status, 0, 0);
            ReferenceCountUtil.release(req);
            ProxyContext.send(ctx, HttpResponseStatus.valueOf(status), "bot-bottle egress gateway: " + reason + "\n",
                    true);
            return;
        }
        if (req.headers().size() > px.limits().maxHeaderCount()) {
            refuse(ctx, req, 431, "request has " + req.headers().size() + " header fields, more than the gateway's"
                    + " limit of " + px.limits().maxHeaderCount());
            return;
        }
        if (tunnel == null) {
            if (!px.secret().accepts(req.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION))) {
                proxyAuthRequired(ctx, req);
                return;
            }
            if (req.method().equals(HttpMethod.CONNECT)) {
                ConnectSupport.connect(ctx, req, px, this);
                return;
            }
        }
        String ambiguity = Requests.ambiguity(req);
        if (ambiguity != null) {
            refuse(ctx, req, 400, ambiguity);
            return;
        }
        String host;
        int port;
        boolean tls;
        String path;
        if (tunnel != null) {
            host = tunnel.host();
            port = tunnel.port();
            tls = true;
            String target = req.uri();
            if (!target.startsWith("/")) {
                URI u = Requests.parse(target);
                if (u == null || u.getHost() == null || !RouteTable.normalize(u.getHost()).equals(host)) {
                    deny(ctx, req, host, Requests.pathOf(target), "", "request target " + target
                            + " differs from the tunnel's host " + host + " (domain fronting is refused)");
                    return;
                }
                req.setUri(Requests.originForm(u));
            }
            String hostHeader = req.headers().get(HttpHeaderNames.HOST);
            if (hostHeader != null && !Requests.sameAuthority(hostHeader, host, port)) {
                deny(ctx, req, host, Requests.pathOf(req.uri()), "", "Host header " + hostHeader
                        + " differs from the tunnel's host " + host + " (domain fronting is refused)");
                return;
            }
        } else {
            Requests.Target t = Requests.absolute(req.uri());
            if (t == null) {
                px.audit(method, "", "", "", false, "not a proxy request (absolute http:// or CONNECT expected)",
                        400, 0, 0);
                ReferenceCountUtil.release(req);
                ProxyContext.send(ctx, HttpResponseStatus.BAD_REQUEST, "bot-bottle egress gateway: this is an HTTP"
                        + " proxy; send absolute http:// requests or CONNECT for https (set HTTP_PROXY/HTTPS_PROXY)\n",
                        true);
                return;
            }
            host = RouteTable.normalize(t.rawHost());
            port = t.port();
            tls = false;
            String hostHeader = req.headers().get(HttpHeaderNames.HOST);
            if (hostHeader != null && !Requests.sameAuthority(hostHeader, host, port)) {
                deny(ctx, req, host, t.uri().getRawPath(), "", "Host header " + hostHeader + " differs from the"
                        + " request target's host " + host + " (an ambiguous request is refused)");
                return;
            }
            RouteTable.Decision c = px.policy().table().checkConnect(host, port, false);
            if (!c.allowed()) {
                deny(ctx, req, host, t.uri().getRawPath(), c.routeName(), c.reason());
                return;
            }
            String hostSecret = RequestRewriter.secretInHost(t.rawHost(), c.route(), px.policy());
            if (!hostSecret.isEmpty()) {
                deny(ctx, req, RequestRewriter.hiddenHost(hostSecret, c.routeName()), t.uri().getRawPath(),
                        c.routeName(), "the host name carries a secret (rule "
                        + hostSecret + "); a host name is not a place for data");
                return;
            }
            req.setUri(Requests.originForm(t.uri()));
            req.headers().set(HttpHeaderNames.HOST, port == 80 ? host : host + ":" + port);
        }
        if (req.method().name().equals("TRACE") || req.method().name().equals("TRACK")) {
            deny(ctx, req, host, Requests.pathOf(req.uri()), "", method + " is refused: it echoes the request back,"
                    + " credentials included");
            return;
        }
        path = Requests.pathOf(req.uri());
        Policy policy = px.policy();
        if (tls) {
            // routes may have been replaced since the tunnel opened: the port must still be allowed
            RouteTable.Decision c = policy.table().checkConnect(host, port, true);
            if (!c.allowed()) {
                deny(ctx, req, host, path, c.routeName(), c.reason());
                return;
            }
        }
        RouteTable.Decision d = policy.table().checkRequest(host, method, path);
        if (!d.allowed()) {
            deny(ctx, req, host, path, d.routeName(), d.reason());
            return;
        }
        RequestRewriter.Outcome o = RequestRewriter.rewrite(req, d.route(), policy);
        if (o.blocked()) {
            String rules = String.join(", ", o.blockedBy());
            deny(ctx, req, host, path, d.routeName(), "outbound data-loss prevention found a secret (rule "
                    + rules + ") in the request; remove it, the gateway adds this route's credential itself");
            return;
        }
        String reason = o.note().isEmpty() ? "allowed by route " + d.routeName() : o.note();
        boolean allowPrivate = policy.table().allowsPrivate(host);
        boolean auth = d.route().flatMap(EgressRoute::auth).isPresent();
        if (upstream == null || !upstream.serves(host, port, tls, allowPrivate, auth)) {
            if (upstream != null) {
                upstream.close();
            }
            upstream = new UpstreamLink(px, ctx, this, host, port, tls, allowPrivate, auth, tls ? pool : null);
        }
        java.util.Map<String, dev.botbottle.spi.Secret> echo = auth ? policy.credentials() : null;
        if (starting == null) {
            upstream.send(req, method, path, d.routeName(), reason, RequestRewriter.isWebSocketUpgrade(req), echo);
            return;
        }
        BodyGate.StreamStart s = starting;
        starting = null;
        s.head.setUri(req.uri());
        stream = new StreamedBody(policy, d.route(), s.head.headers());
        upstream.send(s.head, method, path, d.routeName(), reason, false, echo);
        body(ctx, new DefaultHttpContent(s.first));
        HttpContent c;
        while (stream != null && (c = held.poll()) != null) {
            body(ctx, c);
        }
    }

    private void deny(ChannelHandlerContext ctx, FullHttpRequest req, String host, String path, String route,
                      String reason) {
        String method = req.method().name();
        ReferenceCountUtil.release(req);
        px.audit(method, host, path, route, false, reason, 403, 0, 0);
        LOG.info("egress {} denied {} {}{}: {}", px.slug(), method, host, px.redact(path), px.redact(reason));
        boolean close = starting != null;
        ProxyContext.send(ctx, HttpResponseStatus.FORBIDDEN, px.denialBody(host, reason), close)
                .addListener(f -> finished(ctx, close || !f.isSuccess()));
    }

    private void refuse(ChannelHandlerContext ctx, FullHttpRequest req, int status, String reason) {
        String method = req.method().name();
        ReferenceCountUtil.release(req);
        px.audit(method, tunnel == null ? "" : tunnel.host(), "", "", false, reason, status, 0, 0);
        ProxyContext.send(ctx, HttpResponseStatus.valueOf(status), "bot-bottle egress gateway: " + reason + "\n",
                true);
    }

    private void proxyAuthRequired(ChannelHandlerContext ctx, FullHttpRequest req) {
        String method = req.method().name();
        boolean offered = req.headers().contains(HttpHeaderNames.PROXY_AUTHORIZATION);
        String target = req.uri();
        ReferenceCountUtil.release(req);
        String reason = (offered ? "wrong" : "no") + " proxy credential (Proxy-Authorization): only this bottle,"
                + " with the secret in its proxy URL, may use its gateway";
        px.audit(method, Requests.hostOf(target), "", "", false, reason, 407, 0, 0);
        var r = ProxyContext.textResponse(HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED,
                "bot-bottle egress gateway: " + reason + "\n", false);
        r.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, "Basic realm=\"bot-bottle egress\"");
        boolean close = starting != null;
        if (close) {
            r.headers().set(HttpHeaderNames.CONNECTION, "close");
        }
        ctx.writeAndFlush(r).addListener(f -> finished(ctx, close || !f.isSuccess()));
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (upstream != null) {
            upstream.downstreamWritable(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Object r;
        while ((r = queue.poll()) != null) {
            if (r instanceof BodyGate.StreamStart s) {
                s.release();
            } else {
                ReferenceCountUtil.safeRelease(r);
            }
        }
        releaseHeld();
        stream = null;
        if (upstream != null) {
            upstream.close();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("egress {}: connection closed after {}", px.slug(), cause.toString());
        ctx.close();
    }
}
