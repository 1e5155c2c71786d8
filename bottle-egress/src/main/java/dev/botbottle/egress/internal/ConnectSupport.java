package dev.botbottle.egress.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** CONNECT: decides the tunnel, then either intercepts its TLS or splices it blind after checking the SNI. */
final class ConnectSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectSupport.class);

    private ConnectSupport() {
    }

    static void connect(ChannelHandlerContext ctx, FullHttpRequest req, ProxyContext px, ExchangeHandler front) {
        String authority = req.uri();
        ReferenceCountUtil.release(req);
        String host;
        int port;
        int colon = authority.lastIndexOf(':');
        try {
            if (colon <= 0 || authority.indexOf(']') > colon) {
                host = authority;
                port = 443;
            } else {
                host = authority.substring(0, colon);
                port = Integer.parseInt(authority.substring(colon + 1));
            }
        } catch (NumberFormatException e) {
            px.audit("CONNECT", authority, "", "", false, "malformed CONNECT target", 400, 0, 0);
            ProxyContext.send(ctx, HttpResponseStatus.BAD_REQUEST,
                    "bot-bottle egress gateway: malformed CONNECT target " + authority + "\n", true);
            return;
        }
        String target = RouteTable.normalize(host);
        RouteTable.Decision d = px.policy().table().checkConnect(target, port, true);
        String hostSecret = d.allowed() ? RequestRewriter.secretInHost(host, d.route(), px.policy()) : "";
        if (!hostSecret.isEmpty()) {
            // neither the audit nor the answer keeps such a name, not even lower-cased
            target = RequestRewriter.hiddenHost(hostSecret, d.routeName());
            d = new RouteTable.Decision(false, d.route(), d.mode(), "the host name carries a secret (rule "
                    + hostSecret + "); a host name is not a place for data");
        }
        if (!d.allowed()) {
            px.audit("CONNECT", target, "", d.routeName(), false, d.reason(), 403, 0, 0);
            LOG.info("egress {} denied CONNECT {}:{}: {}", px.slug(), px.redact(target), port, px.redact(d.reason()));
            ProxyContext.send(ctx, HttpResponseStatus.FORBIDDEN, px.denialBody(px.redact(target), d.reason()), true);
            return;
        }
        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                new HttpResponseStatus(200, "Connection established")));
        ChannelPipeline p = ctx.pipeline();
        p.remove(BodyGate.class);
        p.remove(HttpServerCodec.class);
        if (d.mode() == RouteTable.Mode.PASSTHROUGH) {
            p.replace(front, "sni", new PassthroughSni(px, target, port, d.routeName()));
            return;
        }
        p.replace(front, "sni", new InterceptSni(px, target, d.routeName()));
        // HTTP/1.1 or HTTP/2, as the bottle chooses by ALPN
        p.addLast("alpn", Http2Front.negotiator(px, new ExchangeHandler.Tunnel(target, port)));
    }

    /** Checks the ClientHello's SNI against the CONNECT target, then terminates TLS with a leaf for the target. */
    private static final class InterceptSni extends SniHandler {
        private final ProxyContext px;
        private final String target;
        private final String route;
        private boolean refused;

        InterceptSni(ProxyContext px, String target, String route) {
            super((String sni, Promise<SslContext> promise) -> promise.setSuccess(px.serverContext(target)));
            this.px = px;
            this.target = target;
            this.route = route;
        }

        @Override
        protected Future<SslContext> lookup(ChannelHandlerContext ctx, String sni) throws Exception {
            if (sni != null && !RouteTable.normalize(sni).equals(target)) {
                String why = "TLS SNI " + sni + " differs from the CONNECT target " + target
                        + " (domain fronting is refused)";
                if (!refused) {
                    refused = true;
                    px.audit("CONNECT", target, "", route, false, why, 0, 0, 0);
                    LOG.info("egress {} refused a tunnel: {}", px.slug(), why);
                    ctx.close();
                }
                return ctx.executor().newFailedFuture(new IllegalStateException(why));
            }
            return super.lookup(ctx, sni);
        }
    }

    /** Waits for the ClientHello, checks its SNI against the CONNECT target, connects upstream and splices. */
    private static final class PassthroughSni extends AbstractSniHandler<Channel> {
        private final ProxyContext px;
        private final String target;
        private final int port;
        private final String route;
        private String refusal;
        private boolean denied;
        private boolean finished;

        PassthroughSni(ProxyContext px, String target, int port, String route) {
            this.px = px;
            this.target = target;
            this.port = port;
            this.route = route;
        }

        @Override
        protected Future<Channel> lookup(ChannelHandlerContext ctx, String hostname) {
            Promise<Channel> promise = ctx.executor().newPromise();
            if (finished) {
                return promise.setFailure(new IllegalStateException("tunnel already decided"));
            }
            if (hostname == null || !RouteTable.normalize(hostname).equals(target)) {
                refusal = (hostname == null ? "no TLS SNI" : "TLS SNI " + hostname) + " on a passthrough tunnel to "
                        + target + ": the SNI must name the CONNECT target";
                return promise.setFailure(new IllegalStateException(refusal));
            }
            px.resolve(target, port, px.policy().table().allowsPrivate(target), ctx.channel().eventLoop(), r -> {
                if (r.address() == null) {
                    refusal = r.refusal() != null ? r.refusal() : "could not resolve " + target + ": " + r.failure();
                    denied = r.refusal() != null;
                    promise.setFailure(new IllegalStateException(refusal));
                    return;
                }
                InetSocketAddress address = r.address();
                new Bootstrap().group(ctx.channel().eventLoop()).channel(px.engines().socketChannel())
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .option(ChannelOption.AUTO_READ, false)
                        .handler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel ch) {
                                px.track(ch);
                                ch.pipeline().addLast(new ChannelInboundHandlerAdapter()); // the relay replaces it
                            }
                        })
                        .connect(address).addListener((ChannelFutureListener) f -> {
                            if (f.isSuccess()) {
                                promise.setSuccess(f.channel());
                            } else {
                                refusal = "could not connect to " + target + ":" + port + ": "
                                        + f.cause().getMessage();
                                promise.setFailure(f.cause());
                            }
                        });
            });
            return promise;
        }

        @Override
        protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<Channel> future) {
            if (finished) {
                return;
            }
            finished = true;
            if (!future.isSuccess()) {
                boolean allowed = refusal != null && refusal.startsWith("could not") && !denied;
                px.audit("CONNECT", target, "", route, allowed, refusal == null ? "tunnel failed" : refusal, 0, 0, 0);
                ctx.close();
                return;
            }
            Channel up = future.getNow();
            AtomicLong upBytes = new AtomicLong();
            AtomicLong downBytes = new AtomicLong();
            AtomicBoolean audited = new AtomicBoolean();
            Runnable done = () -> {
                if (audited.compareAndSet(false, true)) {
                    px.audit("CONNECT", target, "", route, true, "tls passthrough (not decrypted)", 0, upBytes.get(),
                            downBytes.get());
                }
            };
            tuneForBulk(up);
            tuneForBulk(ctx.channel());
            up.pipeline().replace(up.pipeline().first(), "relay", new Relay(ctx.channel(), downBytes, done));
            ctx.pipeline().replace(this, "relay", new Relay(up, upBytes, done));
            up.config().setAutoRead(true);
            up.read();
        }
    }

    /** Larger reads and a deeper write buffer for a blind tunnel: fewer wake-ups and autoRead flips per MB. */
    private static void tuneForBulk(Channel ch) {
        ch.config().setRecvByteBufAllocator(new io.netty.channel.AdaptiveRecvByteBufAllocator(4096, 65536, 262144));
        ch.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(256 * 1024, 1024 * 1024));
    }

    /** Copies bytes to the peer channel, with backpressure; closes the peer when this side closes. */
    static final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel peer;
        private final AtomicLong counter;
        private final Runnable onClose;

        Relay(Channel peer, AtomicLong counter, Runnable onClose) {
            this.peer = peer;
            this.counter = counter;
            this.onClose = onClose;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof io.netty.buffer.ByteBuf b) {
                counter.addAndGet(b.readableBytes());
            }
            peer.write(msg);
            if (!peer.isWritable()) {
                peer.flush();
                // checked after the flush: a flush that drained the buffer has already signalled writability
                if (!peer.isWritable()) {
                    ctx.channel().config().setAutoRead(false); // resumed by the peer's writability change
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            peer.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                peer.config().setAutoRead(true);
                peer.read();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            peer.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            onClose.run();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("tunnel closed after {}", cause.toString());
            ctx.close();
        }
    }
}
