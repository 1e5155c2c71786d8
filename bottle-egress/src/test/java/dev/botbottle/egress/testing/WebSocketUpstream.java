package dev.botbottle.egress.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket server over TLS on loopback (Netty's own server protocol handler), the upstream double of
 * WebSocket tests: at {@code /ws} it records the upgrade request's headers and every text message, and answers each
 * message with {@code echo:<message>}, or with the upgrade's {@code Authorization} when the message is
 * {@code whoami}.
 */
public final class WebSocketUpstream implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel server;
    private final BlockingQueue<HttpHeaders> upgrades = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();

    private WebSocketUpstream(EventLoopGroup group, Channel server) {
        this.group = group;
        this.server = server;
    }

    /**
     * @param pki the PKI whose certificate it presents
     * @param hosts the names its certificate covers
     * @return the running server on 127.0.0.1, ephemeral port
     */
    public static WebSocketUpstream start(TestPki pki, List<String> hosts) {
        JdkSslContext tls = new JdkSslContext(pki.serverContext(hosts), false, ClientAuth.NONE);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        WebSocketUpstream[] self = new WebSocketUpstream[1];
        Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(tls.newHandler(c.alloc()));
                        c.pipeline().addLast(new HttpServerCodec());
                        c.pipeline().addLast(new HttpObjectAggregator(65536));
                        c.pipeline().addLast(new WebSocketServerProtocolHandler("/ws"));
                        c.pipeline().addLast(new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                            private HttpHeaders upgrade;

                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete h) {
                                    upgrade = h.requestHeaders();
                                    self[0].upgrades.add(h.requestHeaders());
                                }
                                ctx.fireUserEventTriggered(evt);
                            }

                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame f) {
                                String text = f.text();
                                self[0].messages.add(text);
                                String answer = text.equals("whoami") ? String.valueOf(upgrade.get("authorization"))
                                        : "echo:" + text;
                                ctx.writeAndFlush(new TextWebSocketFrame(answer));
                            }
                        });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
        self[0] = new WebSocketUpstream(group, ch);
        return self[0];
    }

    /** @return the port on 127.0.0.1 */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** @return the next upgrade request's headers, waiting up to ten seconds */
    public HttpHeaders takeUpgrade() {
        return take(upgrades);
    }

    /** @return the next text message received, waiting up to ten seconds */
    public String takeMessage() {
        return take(messages);
    }

    /** @return messages received and not yet taken */
    public List<String> drainMessages() {
        List<String> out = new java.util.ArrayList<>();
        messages.drainTo(out);
        return out;
    }

    private static <T> T take(BlockingQueue<T> q) {
        try {
            T t = q.poll(10, TimeUnit.SECONDS);
            if (t == null) {
                throw new AssertionError("the WebSocket upstream received nothing");
            }
            return t;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
