package dev.botbottle.egress.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

import java.util.function.Consumer;

/**
 * HTTP/2 towards an upstream that chose it by ALPN: the connection gets Netty's client frame codec and multiplexer
 * (server push refused), and every exchange opens a stream whose frames are translated to HTTP/1 objects, so the
 * upstream side of an exchange reads the same messages on HTTP/1.1 and HTTP/2.
 */
final class Http2Upstream {

    private Http2Upstream() {
    }

    /** Turns a TLS connection that negotiated {@code h2} into an HTTP/2 client connection. */
    static void configure(Channel conn) {
        conn.pipeline().addLast("h2", Http2FrameCodecBuilder.forClient()
                .initialSettings(Http2Settings.defaultSettings().pushEnabled(false))
                .validateHeaders(true)
                .build());
        conn.pipeline().addLast("h2-streams", new Http2MultiplexHandler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg); // pushed streams: refused by the settings, dropped if they come
                ctx.close();
            }
        }));
    }

    /**
     * @param conn an HTTP/2 client connection
     * @param handlers adds the exchange's response handlers after the translating codec
     * @return the opened stream
     */
    static Future<Http2StreamChannel> openStream(Channel conn, Consumer<Channel> handlers) {
        return new Http2StreamChannelBootstrap(conn).handler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline().addLast("codec", new Http2StreamFrameToHttpObjectCodec(false, true));
                handlers.accept(ch);
            }
        }).open();
    }
}
