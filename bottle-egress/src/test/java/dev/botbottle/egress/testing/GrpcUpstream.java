package dev.botbottle.egress.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.util.ReferenceCountUtil;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC-shaped upstream double over real TLS and HTTP/2 (Netty's server codec; ALPN offers only {@code h2}): it
 * records each request's headers and body, and answers {@code 200} with {@code content-type: application/grpc},
 * one length-prefixed message {@code pong:<request body>} and the trailers {@code grpc-status: 0},
 * {@code grpc-message: ok} and {@code x-seen-authorization} (the request's {@code authorization}, as an echoing
 * server would), the way a gRPC server ends a call.
 */
public final class GrpcUpstream implements AutoCloseable {

    /**
     * @param headers the request headers, names lower-case, pseudo-headers included
     * @param body the request body
     */
    public record Received(Map<String, String> headers, byte[] body) {
    }

    private final EventLoopGroup group;
    private final Channel server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    private GrpcUpstream(EventLoopGroup group, Channel server) {
        this.group = group;
        this.server = server;
    }

    /**
     * @param pki the PKI whose certificate it presents
     * @param hosts the names its certificate covers
     * @return the running server on 127.0.0.1, ephemeral port
     */
    public static GrpcUpstream start(TestPki pki, List<String> hosts) {
        JdkSslContext tls = new JdkSslContext(pki.serverContext(hosts), false, null, IdentityCipherSuiteFilter.INSTANCE,
                new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2),
                ClientAuth.NONE, null, false);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        GrpcUpstream[] self = new GrpcUpstream[1];
        Channel ch = new io.netty.bootstrap.ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(tls.newHandler(c.alloc()));
                        c.pipeline().addLast(Http2FrameCodecBuilder.forServer().build());
                        c.pipeline().addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                            @Override
                            protected void initChannel(Http2StreamChannel s) {
                                s.pipeline().addLast(new Call(self));
                            }
                        }));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
        self[0] = new GrpcUpstream(group, ch);
        return self[0];
    }

    private static final class Call extends ChannelInboundHandlerAdapter {
        private final GrpcUpstream[] self;
        private Http2Headers request;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        Call(GrpcUpstream[] self) {
            this.self = self;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            boolean end = false;
            if (msg instanceof Http2HeadersFrame h) {
                if (request == null) {
                    request = h.headers();
                }
                end = h.isEndStream();
            } else if (msg instanceof Http2DataFrame d) {
                byte[] b = ByteBufUtil.getBytes(d.content());
                body.write(b, 0, b.length);
                end = d.isEndStream();
            }
            ReferenceCountUtil.release(msg);
            if (!end) {
                return;
            }
            Map<String, String> headers = new TreeMap<>();
            request.forEach(e -> headers.merge(e.getKey().toString(), e.getValue().toString(), (a, b) -> a + ", " + b));
            self[0].received.add(new Received(headers, body.toByteArray()));
            byte[] pong = ("pong:" + body.toString(StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            ByteBuf msgBuf = Unpooled.buffer(5 + pong.length).writeByte(0).writeInt(pong.length).writeBytes(pong);
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                    .set("content-type", "application/grpc")));
            ctx.write(new DefaultHttp2DataFrame(msgBuf, false));
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().set("grpc-status", "0")
                    .set("grpc-message", "ok")
                    .set("x-seen-authorization", String.valueOf(request.get("authorization"))), true));
        }
    }

    /** @return the port on 127.0.0.1 */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** @return the next request received, waiting up to 10 s; null if none came */
    public Received take() throws InterruptedException {
        return received.poll(10, TimeUnit.SECONDS);
    }

    /** @return what was received and not taken */
    public List<Received> drain() {
        List<Received> out = new java.util.ArrayList<>();
        received.drainTo(out);
        return out;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
