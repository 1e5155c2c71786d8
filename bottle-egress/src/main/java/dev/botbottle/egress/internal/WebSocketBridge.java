package dev.botbottle.egress.internal;

import dev.botbottle.dlp.DlpFinding;
import dev.botbottle.dlp.DlpScanner;
import dev.botbottle.spi.DlpPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * After an upstream's 101 to a WebSocket upgrade, both connections switch to Netty's WebSocket frame codecs and
 * frames are relayed one by one: every data frame the bottle sends is DLP-scanned (with the tail of the previous
 * frame, so a secret split across frames is found) under the route's policy, every frame the upstream sends has the
 * route's credential replaced (echo). No extension is negotiated (the upgrade request's
 * {@code Sec-WebSocket-Extensions} is dropped), so no frame is compressed past the scanner.
 */
final class WebSocketBridge {

    private static final int MAX_FRAME = 16 * 1024 * 1024;
    private static final int CARRY = 4096;

    private WebSocketBridge() {
    }

    static void splice(ProxyContext px, ChannelHandlerContext down, ExchangeHandler owner, Channel up,
                       HttpResponse switching, String host, String path, String route, EchoFilter echo) {
        Policy policy = px.policy();
        DlpPolicy dlp = policy.table().candidates(host).stream().findFirst().map(r -> r.dlp()).orElse(DlpPolicy.DEFAULT);
        Stats stats = new Stats(px, host, path, route);
        // the upstream side: frames in (unmasked), frames out (masked)
        ChannelPipeline upP = up.pipeline();
        String upCodec = upP.context(HttpClientCodec.class).name();
        upP.addAfter(upCodec, "ws-decoder", new WebSocket13FrameDecoder(false, false, MAX_FRAME));
        upP.addAfter("ws-decoder", "ws-encoder", new WebSocket13FrameEncoder(true));
        if (upP.get("inflate") != null) {
            upP.remove("inflate");
        }
        upP.replace("relay", "ws-relay", new Relay(down.channel(), null, echo, stats, false));
        // the bottle side: the 101 goes out through the HTTP codec, then the codec goes
        down.write(switching);
        down.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        ChannelPipeline downP = down.pipeline();
        String downCodec = downP.context(HttpServerCodec.class).name();
        downP.addAfter(downCodec, "ws-decoder", new WebSocket13FrameDecoder(true, false, MAX_FRAME));
        downP.addAfter("ws-decoder", "ws-encoder", new WebSocket13FrameEncoder(false));
        downP.remove(BodyGate.class);
        downP.replace(owner, "ws-relay", new Relay(up, dlp.enabled() ? new Scan(policy.scanner(), dlp.onMatch())
                : null, null, stats, true));
        downP.remove(HttpServerCodec.class);
        upP.remove(HttpClientCodec.class);
    }

    /** DLP of the bottle's frames. */
    private record Scan(DlpScanner scanner, DlpPolicy.Action action) {
    }

    /** Counts and audits the WebSocket once, when it closes. */
    private static final class Stats {
        final ProxyContext px;
        final String host;
        final String path;
        final String route;
        final AtomicBoolean done = new AtomicBoolean();
        final Set<String> rules = new LinkedHashSet<>();
        long framesUp;
        long framesDown;
        long bytesUp;
        long bytesDown;

        Stats(ProxyContext px, String host, String path, String route) {
            this.px = px;
            this.host = host;
            this.path = path;
            this.route = route;
        }

        void closed() {
            if (done.compareAndSet(false, true)) {
                String dlp = rules.isEmpty() ? "" : "; dlp: " + String.join(", ", rules);
                px.audit("GET", host, path, route, true, "websocket closed after " + framesUp + " frames up, "
                        + framesDown + " down" + dlp, 101, bytesUp, bytesDown);
            }
        }
    }

    /** Relays frames to the peer with backpressure, scanning or filtering data frames. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel peer;
        private final Scan scan;
        private final EchoFilter echo;
        private final Stats stats;
        private final boolean fromBottle;
        private String carry = "";

        Relay(Channel peer, Scan scan, EchoFilter echo, Stats stats, boolean fromBottle) {
            this.peer = peer;
            this.scan = scan;
            this.echo = echo;
            this.stats = stats;
            this.fromBottle = fromBottle;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof WebSocketFrame frame)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            WebSocketFrame out = frame;
            boolean data = frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame
                    || frame instanceof ContinuationWebSocketFrame;
            if (data) {
                int n = frame.content().readableBytes();
                if (fromBottle) {
                    stats.framesUp++;
                    stats.bytesUp += n;
                } else {
                    stats.framesDown++;
                    stats.bytesDown += n;
                }
                if (scan != null) {
                    out = scanned(ctx, frame);
                    if (out == null) {
                        return;
                    }
                } else if (echo != null && echo.active()) {
                    out = replace(frame, echo.whole(frame.content().toString(StandardCharsets.ISO_8859_1)));
                }
            }
            peer.write(out);
            if (!peer.isWritable()) {
                peer.flush();
                if (!peer.isWritable()) {
                    ctx.channel().config().setAutoRead(false);
                }
            }
        }

        /** @return the frame to send on, or null when it was blocked (both sides are then closed) */
        private WebSocketFrame scanned(ChannelHandlerContext ctx, WebSocketFrame frame) {
            String text = frame.content().toString(StandardCharsets.ISO_8859_1);
            String window = carry + text;
            List<DlpFinding> hits = scan.scanner().scanEncoded(window).stream()
                    .filter(f -> f.end() > carry.length()).toList();
            carry = window.length() > CARRY ? window.substring(window.length() - CARRY) : window;
            if (hits.isEmpty()) {
                return frame;
            }
            Set<String> rules = new LinkedHashSet<>();
            hits.forEach(f -> rules.add(f.rule()));
            stats.rules.addAll(rules);
            switch (scan.action()) {
                case WARN:
                    return frame;
                case REDACT: {
                    int offset = window.length() - text.length();
                    List<DlpFinding> inFrame = hits.stream().map(f -> new DlpFinding(f.rule(),
                            Math.max(0, f.start() - offset), Math.max(0, f.end() - offset))).toList();
                    carry = "";
                    return replace(frame, DlpScanner.redact(text, inFrame));
                }
                case BLOCK:
                default:
                    frame.release();
                    stats.px.audit("GET", stats.host, stats.path, stats.route, false, "outbound data-loss"
                            + " prevention found a secret (rule " + String.join(", ", rules) + ") in a WebSocket"
                            + " frame; the WebSocket is closed", 403, stats.bytesUp, stats.bytesDown);
                    ctx.writeAndFlush(new CloseWebSocketFrame(1008, "bot-bottle egress: secret in frame ("
                            + String.join(", ", rules) + ")")).addListener(ChannelFutureListener.CLOSE);
                    peer.close();
                    return null;
            }
        }

        private static WebSocketFrame replace(WebSocketFrame frame, String text) {
            ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
            WebSocketFrame f;
            if (frame instanceof TextWebSocketFrame) {
                f = new TextWebSocketFrame(frame.isFinalFragment(), frame.rsv(), buf);
            } else if (frame instanceof BinaryWebSocketFrame) {
                f = new BinaryWebSocketFrame(frame.isFinalFragment(), frame.rsv(), buf);
            } else {
                f = new ContinuationWebSocketFrame(frame.isFinalFragment(), frame.rsv(), buf);
            }
            frame.release();
            return f;
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
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            stats.closed();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
