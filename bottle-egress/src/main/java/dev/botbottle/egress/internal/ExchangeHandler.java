package dev.botbottle.egress.internal;

import dev.botbottle.spi.EgressRoute;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
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
    private final ArrayDeque<FullHttpRequest> queue = new ArrayDeque<>();
    private boolean busy;
    private UpstreamLink upstream;

    ExchangeHandler(ProxyContext px, Tunnel tunnel) {
        this.px = px;
        this.tunnel = tunnel;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        queue.add(req);
        if (!busy) {
            next(ctx);
        }
    }

    private void next(ChannelHandlerContext ctx) {
        FullHttpRequest req;
        while (!busy && (req = queue.poll()) != null) {
            busy = true;
            try {
                handle(ctx, req);
            } catch (RuntimeException e) {
                LOG.warn("egress gateway of bottle {}: request failed: {}", px.slug(), e.toString());
                ReferenceCountUtil.safeRelease(req);
                ProxyContext.send(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                        "bot-bottle egress gateway: internal error: " + e.getMessage() + "\n", true);
                return;
            }
        }
    }

    /** Called by the upstream link when the response to the current request is complete. */
    void finished(ChannelHandlerContext ctx, boolean close) {
        busy = false;
        if (close) {
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
                    deny(ctx, req, host, pathOf(target), "", "request target " + target
                            + " differs from the tunnel's host " + host + " (domain fronting is refused)");
                    return;
                }
                req.setUri(Requests.originForm(u));
            }
            String hostHeader = req.headers().get(HttpHeaderNames.HOST);
            if (hostHeader != null && !sameAuthority(hostHeader, host, port)) {
                deny(ctx, req, host, pathOf(req.uri()), "", "Host header " + hostHeader
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
            if (hostHeader != null && !sameAuthority(hostHeader, host, port)) {
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
            deny(ctx, req, host, pathOf(req.uri()), "", method + " is refused: it echoes the request back,"
                    + " credentials included");
            return;
        }
        path = pathOf(req.uri());
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
            upstream = new UpstreamLink(px, ctx, this, host, port, tls, allowPrivate, auth);
        }
        upstream.send(req, method, path, d.routeName(), reason, RequestRewriter.isWebSocketUpgrade(req),
                auth ? policy.credentials() : null);
    }

    private void deny(ChannelHandlerContext ctx, FullHttpRequest req, String host, String path, String route,
                      String reason) {
        String method = req.method().name();
        ReferenceCountUtil.release(req);
        px.audit(method, host, path, route, false, reason, 403, 0, 0);
        LOG.info("egress {} denied {} {}{}: {}", px.slug(), method, host, px.redact(path), px.redact(reason));
        ProxyContext.send(ctx, HttpResponseStatus.FORBIDDEN, px.denialBody(host, reason), false)
                .addListener(f -> finished(ctx, !f.isSuccess()));
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
        ctx.writeAndFlush(r).addListener(f -> finished(ctx, !f.isSuccess()));
    }

    static boolean sameAuthority(String hostHeader, String host, int port) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        int p = -1;
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.indexOf(']') < colon) {
            try {
                p = Integer.parseInt(h.substring(colon + 1));
            } catch (NumberFormatException e) {
                return false;
            }
            h = h.substring(0, colon);
        }
        return RouteTable.normalize(h).equals(host) && (p < 0 || p == port);
    }

    /**
     * @param uri a request target
     * @return its path as the upstream reads it: everything before the query ({@code #} is refused earlier)
     */
    static String pathOf(String uri) {
        if (!uri.startsWith("/")) {
            URI u = Requests.parse(uri);
            return u == null || u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        }
        int q = uri.indexOf('?');
        String p = q < 0 ? uri : uri.substring(0, q);
        return p.isEmpty() ? "/" : p;
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
        FullHttpRequest r;
        while ((r = queue.poll()) != null) {
            ReferenceCountUtil.safeRelease(r);
        }
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
