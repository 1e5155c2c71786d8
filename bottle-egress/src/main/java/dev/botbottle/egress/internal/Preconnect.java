package dev.botbottle.egress.internal;

import dev.botbottle.spi.EgressRoute;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * At gateway start, one TLS handshake with each exact intercepted route host, as the bottle's first request to it
 * would make, then the connection is closed: the name is resolved and checked against the SSRF floor by the same path
 * a request takes, the upstream trust store verifies its first real certificate chain, and the upstream's TLS session
 * is kept in the upstream context's session cache, which the bottle's first connection resumes. Both upstream
 * contexts (HTTP/1.1 only, and h2 by ALPN) shake hands, since a bottle connection uses one or the other.
 * <p>
 * Sends nothing but the handshake: no request, no credential; leaves no audit entry (no bottle asked for anything).
 * Every failure (a name that does not resolve here, a refused address, a closed port, an untrusted certificate) is
 * logged at debug and changes nothing: the first request then pays as it did without.
 */
final class Preconnect {

    private static final Logger LOG = LoggerFactory.getLogger(Preconnect.class);

    /** At most this many hosts are pre-connected: a manifest with more routes warms its first ones. */
    static final int MAX_HOSTS = 8;

    /** How long one pre-connection may take, from connect to the session ticket, before it is abandoned. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private Preconnect() {
    }

    /**
     * @param px the gateway's context
     * @param loops where the connections run (the gateway's event loops)
     * @param routes its routes
     * @return completes when every pre-connection has ended, however it ended; never exceptionally
     */
    static CompletableFuture<Void> start(ProxyContext px, EventLoopGroup loops, List<EgressRoute> routes) {
        Map<String, Integer> targets = new LinkedHashMap<>();
        for (EgressRoute r : routes) {
            if (!r.host().startsWith("*") && !r.tlsPassthrough() && targets.size() < MAX_HOSTS) {
                targets.putIfAbsent(RouteTable.normalize(r.host()), r.effectivePorts().get(0));
            }
        }
        List<CompletableFuture<Void>> all = new ArrayList<>();
        targets.forEach((host, port) -> {
            CompletableFuture<Void> done = new CompletableFuture<>();
            all.add(done);
            px.resolve(host, port, px.policy().table().allowsPrivate(host), loops.next(), r -> {
                if (r.address() == null) {
                    LOG.debug("egress {} pre-connect to {}:{} skipped: {}", px.slug(), host, port,
                            r.refusal() != null ? r.refusal() : r.failure());
                    done.complete(null);
                    return;
                }
                CompletableFuture.allOf(handshake(px, loops, r.address(), host, port, px.upstreamTls()),
                        handshake(px, loops, r.address(), host, port, px.upstreamTlsH2()))
                        .whenComplete((v, e) -> done.complete(null));
            });
        });
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private static CompletableFuture<Void> handshake(ProxyContext px, EventLoopGroup loops, InetSocketAddress address,
                                                     String host, int port, SslContext tls) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        int timeout = (int) TIMEOUT.toMillis();
        new Bootstrap().group(loops.next()).channel(px.engines().socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeout)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        px.track(ch);
                        SslHandler h = tls.newHandler(ch.alloc(), host, port);
                        h.setHandshakeTimeoutMillis(timeout);
                        ch.pipeline().addLast("ticket", new AwaitTicket(h));
                        ch.pipeline().addLast("tls", h);
                        ch.pipeline().addLast("drop", new Drop());
                    }
                })
                .connect(address).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        LOG.debug("egress {} pre-connect to {}:{} failed: {}", px.slug(), host, port,
                                f.cause().toString());
                        done.complete(null);
                        return;
                    }
                    Channel ch = f.channel();
                    ch.eventLoop().schedule(() -> ch.close(), timeout, java.util.concurrent.TimeUnit.MILLISECONDS);
                    ch.closeFuture().addListener(c -> done.complete(null));
                    ch.pipeline().get(SslHandler.class).handshakeFuture().addListener(h -> {
                        if (!h.isSuccess()) {
                            LOG.debug("egress {} pre-connect to {}:{}: TLS failed: {}", px.slug(), host, port,
                                    h.cause().toString());
                            ch.close();
                        } else if ("TLSv1.2".equals(ch.pipeline().get(SslHandler.class).engine().getSession()
                                .getProtocol())) {
                            ch.close(); // TLS 1.2 resumes by the session the handshake itself made
                        } else {
                            LOG.debug("egress {} pre-connected to {}:{}", px.slug(), host, port);
                        }
                    });
                });
        return done;
    }

    /**
     * TLS 1.3 hands the client its session ticket after the handshake, in a later read: the connection is closed
     * after the first read that arrives once the handshake is done (the ticket is then in the session cache).
     */
    private static final class AwaitTicket extends ChannelInboundHandlerAdapter {
        private final SslHandler tls;
        private boolean afterHandshake;

        AwaitTicket(SslHandler tls) {
            this.tls = tls;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            afterHandshake = tls.handshakeFuture().isSuccess();
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.fireChannelReadComplete();
            if (afterHandshake) {
                ctx.close();
            }
        }
    }

    /** Drops whatever the upstream sends and swallows the failures already logged. */
    private static final class Drop extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
