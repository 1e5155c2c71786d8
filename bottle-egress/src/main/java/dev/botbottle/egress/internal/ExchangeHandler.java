package dev.botbottle.egress.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URISyntaxException;
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
            String reason = "malformed request: " + req.decoderResult().cause();
            px.audit(method, tunnel == null ? "" : tunnel.host(), "", "", false, reason, 400, 0, 0);
            ReferenceCountUtil.release(req);
            ProxyContext.send(ctx, HttpResponseStatus.BAD_REQUEST, "bot-bottle egress gateway: " + reason + "\n", true);
            return;
        }
        if (tunnel == null && req.method().equals(HttpMethod.CONNECT)) {
            ConnectSupport.connect(ctx, req, px, this);
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
                URI u = parse(target);
                if (u == null || u.getHost() == null || !RouteTable.normalize(u.getHost()).equals(host)) {
                    deny(ctx, req, host, pathOf(target), "", "request target " + target
                            + " differs from the tunnel's host " + host + " (domain fronting is refused)");
                    return;
                }
                req.setUri(originForm(u));
            }
            String hostHeader = req.headers().get(HttpHeaderNames.HOST);
            if (hostHeader != null && !sameAuthority(hostHeader, host, port)) {
                deny(ctx, req, host, pathOf(req.uri()), "", "Host header " + hostHeader
                        + " differs from the tunnel's host " + host + " (domain fronting is refused)");
                return;
            }
        } else {
            URI u = parse(req.uri());
            String rawHost = u == null ? null : u.getHost();
            int rawPort = u == null ? -1 : u.getPort();
            if (u != null && rawHost == null && u.getRawAuthority() != null) {
                // registry-based authority (e.g. an underscore in a label): split host and port ourselves
                String a = u.getRawAuthority();
                int colon = a.lastIndexOf(':');
                rawHost = colon > 0 && a.indexOf(']') < colon ? a.substring(0, colon) : a;
                try {
                    rawPort = colon > 0 && a.indexOf(']') < colon ? Integer.parseInt(a.substring(colon + 1)) : -1;
                } catch (NumberFormatException e) {
                    rawHost = null;
                }
            }
            if (u == null || rawHost == null || !"http".equalsIgnoreCase(u.getScheme())) {
                px.audit(method, rawHost == null ? "" : rawHost, "", "", false,
                        "not a proxy request (absolute http:// or CONNECT expected)", 400, 0, 0);
                ReferenceCountUtil.release(req);
                ProxyContext.send(ctx, HttpResponseStatus.BAD_REQUEST, "bot-bottle egress gateway: this is an HTTP"
                        + " proxy; send absolute http:// requests or CONNECT for https (set HTTP_PROXY/HTTPS_PROXY)\n",
                        true);
                return;
            }
            host = RouteTable.normalize(rawHost);
            port = rawPort < 0 ? 80 : rawPort;
            tls = false;
            RouteTable.Decision c = px.policy().table().checkConnect(host, port, false);
            if (!c.allowed()) {
                deny(ctx, req, host, u.getRawPath(), c.routeName(), c.reason());
                return;
            }
            String hostSecret = RequestRewriter.secretInHost(rawHost, c.route(), px.policy());
            if (!hostSecret.isEmpty()) {
                deny(ctx, req, host, u.getRawPath(), c.routeName(), "the host name carries a secret (rule "
                        + hostSecret + "); a host name is not a place for data");
                return;
            }
            req.setUri(originForm(u));
            req.headers().set(HttpHeaderNames.HOST, port == 80 ? host : host + ":" + port);
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
        if (upstream == null || !upstream.serves(host, port, tls)) {
            if (upstream != null) {
                upstream.close();
            }
            upstream = new UpstreamLink(px, ctx, this, host, port, tls);
        }
        upstream.send(req, method, path, d.routeName(), reason);
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

    private static URI parse(String uri) {
        try {
            return new URI(uri);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String originForm(URI u) {
        String p = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return u.getRawQuery() == null ? p : p + "?" + u.getRawQuery();
    }

    static String pathOf(String uri) {
        if (!uri.startsWith("/")) {
            URI u = parse(uri);
            return u == null || u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        }
        String p = new QueryStringDecoder(uri).rawPath();
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
