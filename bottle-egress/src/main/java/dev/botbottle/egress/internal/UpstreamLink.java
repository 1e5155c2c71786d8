package dev.botbottle.egress.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;

/**
 * The upstream connection of one bottle connection: connected lazily to one host and kept alive across requests;
 * streams each response back to the bottle as it arrives (server-sent events stay live), with backpressure.
 */
final class UpstreamLink {

    private final ProxyContext px;
    private final ChannelHandlerContext down;
    private final ExchangeHandler owner;
    private final String host;
    private final int port;
    private final boolean tls;
    private Channel channel;
    private boolean closed;

    // the exchange in flight
    private String method;
    private String path;
    private String route;
    private String reason;
    private long bytesUp;
    private long bytesDown;
    private int status;
    private boolean responseStarted;
    private boolean closeAfter;
    private boolean inFlight;

    UpstreamLink(ProxyContext px, ChannelHandlerContext down, ExchangeHandler owner, String host, int port,
                 boolean tls) {
        this.px = px;
        this.down = down;
        this.owner = owner;
        this.host = host;
        this.port = port;
        this.tls = tls;
    }

    boolean serves(String h, int p, boolean t) {
        return !closed && h.equals(host) && p == port && t == tls && (channel == null || channel.isActive());
    }

    void send(FullHttpRequest req, String method, String path, String route, String reason) {
        this.method = method;
        this.path = path;
        this.route = route;
        this.reason = reason;
        this.bytesUp = req.content().readableBytes();
        this.bytesDown = 0;
        this.status = 0;
        this.responseStarted = false;
        this.closeAfter = false;
        this.inFlight = true;
        HttpUtil.setKeepAlive(req, true);
        if (channel != null && channel.isActive()) {
            write(req);
            return;
        }
        px.resolve(host, port, down.channel().eventLoop(), (address, failure) -> {
            if (failure != null) {
                ReferenceCountUtil.release(req);
                fail("could not resolve " + host + ": " + failure.getMessage());
                return;
            }
            connect(address, req);
        });
    }

    private void connect(InetSocketAddress address, FullHttpRequest req) {
        Bootstrap b = new Bootstrap().group(down.channel().eventLoop()).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls) {
                            ch.pipeline().addLast("tls", px.upstreamTls().newHandler(ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast("codec", new HttpClientCodec());
                        ch.pipeline().addLast("relay", new ResponseRelay());
                    }
                });
        b.connect(address).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                ReferenceCountUtil.release(req);
                fail("could not connect to " + host + ":" + port + ": " + f.cause().getMessage());
                return;
            }
            channel = f.channel();
            if (closed) {
                ReferenceCountUtil.release(req);
                channel.close();
                return;
            }
            if (!tls) {
                write(req);
                return;
            }
            channel.pipeline().get(SslHandler.class).handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    write(req);
                } else {
                    ReferenceCountUtil.release(req);
                    fail("TLS to upstream " + host + ":" + port + " failed, its certificate was not accepted: "
                            + rootMessage(h.cause()));
                    channel.close();
                }
            });
        });
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + c.getMessage() + ")";
    }

    private void write(FullHttpRequest req) {
        channel.writeAndFlush(req).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                fail("could not send the request to " + host + ": " + f.cause().getMessage());
                f.channel().close();
            }
        });
    }

    /** Ends the exchange in flight with 502, before any response byte reached the bottle. */
    private void fail(String why) {
        if (!inFlight) {
            return;
        }
        inFlight = false;
        if (responseStarted) {
            px.audit(method, host, path, route, true, reason + "; upstream broke off: " + why, status, bytesUp,
                    bytesDown);
            down.close();
            return;
        }
        px.audit(method, host, path, route, true, "upstream failure: " + why, 502, bytesUp, 0);
        ProxyContext.send(down, HttpResponseStatus.BAD_GATEWAY, "bot-bottle egress gateway: " + why + "\n", false)
                .addListener(f -> owner.finished(down, !f.isSuccess()));
    }

    void downstreamWritable(boolean writable) {
        if (channel != null) {
            channel.config().setAutoRead(writable);
            if (writable) {
                channel.read();
            }
        }
    }

    void close() {
        closed = true;
        if (channel != null) {
            channel.close();
        }
    }

    /** Streams the upstream response to the bottle. */
    private final class ResponseRelay extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!inFlight) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpResponse r) {
                if (r.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL
                        && r.status().code() != 101) {
                    ReferenceCountUtil.release(msg);
                    return;
                }
                responseStarted = true;
                status = r.status().code();
                boolean noBody = "HEAD".equals(method) || status == 204 || status == 304;
                closeAfter = !HttpUtil.isKeepAlive(r)
                        || (!noBody && !HttpUtil.isContentLengthSet(r) && !HttpUtil.isTransferEncodingChunked(r));
            }
            if (msg instanceof HttpContent c) {
                bytesDown += c.content().readableBytes();
            }
            boolean last = msg instanceof LastHttpContent;
            if (last) {
                inFlight = false;
                boolean close = closeAfter;
                px.audit(method, host, path, route, true, reason, status, bytesUp, bytesDown);
                down.writeAndFlush(msg).addListener(f -> owner.finished(down, close || !f.isSuccess()));
                if (close) {
                    ctx.close();
                }
            } else {
                down.write(msg);
                if (!down.channel().isWritable()) {
                    down.flush();
                    if (!down.channel().isWritable()) {
                        ctx.channel().config().setAutoRead(false); // resumed by the bottle side's writability
                    }
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            down.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail("upstream " + host + " closed the connection");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // handshake failures are reported by the handshake listener with a 502
            if (!(cause instanceof io.netty.handler.codec.DecoderException
                    && cause.getCause() instanceof javax.net.ssl.SSLException)) {
                fail("upstream " + host + " failed: " + cause.getMessage());
            }
            ctx.close();
        }
    }
}
