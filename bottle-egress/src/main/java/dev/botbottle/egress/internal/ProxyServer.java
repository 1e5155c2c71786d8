package dev.botbottle.egress.internal;

import dev.botbottle.spi.BottleException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** The listening side of one gateway: a Netty server bound where the bottle reaches the host. */
public final class ProxyServer implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel server;
    private final ProxyContext px;

    private ProxyServer(EventLoopGroup group, Channel server, ProxyContext px) {
        this.group = group;
        this.server = server;
        this.px = px;
    }

    /**
     * @param px the gateway's shared context
     * @param bindAddress the address to listen on
     * @param port the port; 0 for an ephemeral one
     * @param threads event-loop threads
     * @return the running server
     */
    public static ProxyServer start(ProxyContext px, String bindAddress, int port, int threads) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads,
                new DefaultThreadFactory("egress-" + px.slug(), true), px.engines().ioHandlerFactory());
        try {
            Channel ch = new ServerBootstrap().group(group).channel(px.engines().serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 256)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel c) {
                            px.track(c);
                            ConnectionGuard guard = new ConnectionGuard(px);
                            long idle = px.limits().idleTimeout().toMillis();
                            c.pipeline().addLast("idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
                            c.pipeline().addLast("guard", guard);
                            c.pipeline().addLast("codec", codec(px));
                            c.pipeline().addLast("head-seen", new ConnectionGuard.HeadSeen(guard));
                            c.pipeline().addLast("aggregator", new BodyGate(px.maxRequestBody()));
                            c.pipeline().addLast("exchange", new ExchangeHandler(px, null, null));
                        }
                    })
                    .bind(new InetSocketAddress(bindAddress, port)).syncUninterruptibly().channel();
            return new ProxyServer(group, ch, px);
        } catch (Exception e) { // Netty rethrows a BindException unchecked-but-undeclared: catch it too
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            px.close();
            throw new BottleException("the egress gateway of bottle " + px.slug() + " could not listen on "
                    + bindAddress + ":" + port + ": " + e.getMessage()
                    + "; is the address configured on this host and the port free?", e);
        }
    }

    /** @return the bottle-side HTTP codec, with the gateway's head-size limit */
    static HttpServerCodec codec(ProxyContext px) {
        return new HttpServerCodec(8192, px.limits().maxHeaderBytes(), 8192);
    }

    /** @return its event loops (the gateway's own connections may run there too) */
    public EventLoopGroup eventLoops() {
        return group;
    }

    /** @return the port it listens on */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        px.closeOpened();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        px.close();
    }
}
