package dev.botbottle.egress.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/2 towards the bottle inside an intercepted tunnel. After the TLS handshake, the protocol the bottle chose by
 * ALPN decides the pipeline: {@code http/1.1} (or none) gets the HTTP/1.1 codec as before; {@code h2} gets Netty's
 * frame codec and multiplexer, and every stream becomes a child channel whose frames are translated to the same
 * HTTP/1 objects ({@link Http2StreamFrameToHttpObjectCodec}) the HTTP/1.1 path sees, so every rule (route, matches,
 * injection, DLP, audit, echo replacement) runs per stream in the one {@link ExchangeHandler}. Trailers travel as
 * {@code LastHttpContent} trailing headers both ways.
 *
 * <p>Bounds (besides Netty's own checks of the protocol, which refuse uppercase header names, repeated or unknown
 * pseudo-headers and connection-specific headers): {@link #MAX_CONCURRENT_STREAMS} streams at once, the request
 * head limit as {@code SETTINGS_MAX_HEADER_LIST_SIZE} (a header block past it, CONTINUATION frames included, ends
 * the stream or the connection), at most {@link #MAX_SMALL_CONTINUATIONS} small CONTINUATION frames in a row, at
 * most {@link #MAX_RST_PER_WINDOW} stream resets from the bottle per {@link #RST_WINDOW_SECONDS} s (rapid reset),
 * then GOAWAY.
 */
final class Http2Front {

    private static final Logger LOG = LoggerFactory.getLogger(Http2Front.class);

    /** Streams one bottle connection may have open at once (each may hold an upstream exchange). */
    static final int MAX_CONCURRENT_STREAMS = 32;
    static final int MAX_SMALL_CONTINUATIONS = 16;
    static final int MAX_RST_PER_WINDOW = 100;
    static final int RST_WINDOW_SECONDS = 10;

    private Http2Front() {
    }

    /** @return the handler that installs the HTTP/1.1 or the HTTP/2 pipeline once ALPN has decided */
    static ChannelInboundHandlerAdapter negotiator(ProxyContext px, ExchangeHandler.Tunnel tunnel) {
        return new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                ChannelPipeline p = ctx.pipeline();
                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                    http2(px, tunnel, p);
                } else {
                    p.addLast("codec", new HttpServerCodec(8192, px.limits().maxHeaderBytes(), 65536));
                    p.addLast("aggregator", new BodyGate(px.maxRequestBody()));
                    p.addLast("exchange", new ExchangeHandler(px, tunnel, null));
                }
            }

            @Override
            protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                LOG.debug("egress {}: TLS with the bottle failed: {}", px.slug(), cause.toString());
                ctx.close();
            }
        };
    }

    private static void http2(ProxyContext px, ExchangeHandler.Tunnel tunnel, ChannelPipeline p) {
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                .maxHeaderListSize(px.limits().maxHeaderBytes());
        p.addLast("h2", Http2FrameCodecBuilder.forServer()
                .initialSettings(settings)
                .validateHeaders(true)
                .decoderEnforceMaxRstFramesPerWindow(MAX_RST_PER_WINDOW, RST_WINDOW_SECONDS)
                .decoderEnforceMaxSmallContinuationFrames(MAX_SMALL_CONTINUATIONS)
                .build());
        UpstreamPool pool = new UpstreamPool();
        p.addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline().addLast("codec", new Http2StreamFrameToHttpObjectCodec(true, true));
                ch.pipeline().addLast("h2-head", new StreamHead());
                ch.pipeline().addLast("aggregator", new BodyGate(px.maxRequestBody()));
                ch.pipeline().addLast("exchange", new ExchangeHandler(px, tunnel, pool));
            }
        }));
        p.addLast("h2-close", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                pool.close();
                ctx.fireChannelInactive();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                if (cause instanceof IOException) {
                    // the bottle went away (reset, broken pipe): nothing was refused, so nothing is audited
                    LOG.debug("egress {}: HTTP/2 connection from the bottle ended: {}", px.slug(), cause.toString());
                    ctx.close();
                    return;
                }
                // the codec has answered with GOAWAY (floods, malformed frames): audit it and close
                String why = "HTTP/2 connection ended: " + cause.getMessage();
                px.audit("", tunnel.host(), "", "", false, why, 0, 0, 0);
                LOG.info("egress {}: {}", px.slug(), px.redact(why));
                ctx.close();
            }
        });
    }

    /**
     * Removes the extension headers Netty's translation adds ({@code x-http2-scheme}, {@code x-http2-stream-id},
     * ...) and any the bottle sent under those names: none of them may reach the upstream or steer the upstream
     * codec (which reads {@code x-http2-scheme} and {@code x-http2-path}).
     */
    static final class StreamHead extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest r) {
                stripExtensions(r.headers());
            }
            ctx.fireChannelRead(msg);
        }
    }

    static void stripExtensions(io.netty.handler.codec.http.HttpHeaders headers) {
        List<String> drop = new ArrayList<>();
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().toLowerCase(Locale.ROOT).startsWith("x-http2-")) {
                drop.add(h.getKey());
            }
        }
        drop.forEach(headers::remove);
    }

    /** @return whether {@code ch} is a stream of an HTTP/2 connection from the bottle */
    static boolean isStream(Channel ch) {
        return ch instanceof Http2StreamChannel;
    }
}
