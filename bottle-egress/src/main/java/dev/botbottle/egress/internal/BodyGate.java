package dev.botbottle.egress.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Holds a request's body while it is small: a body that ends within the gateway's buffer is handed on whole, as a
 * {@link FullHttpRequest} (scanned whole, redactable); a longer one is handed on as a {@link StreamStart} with what
 * was buffered, and the rest of its {@link HttpContent} follows as it arrives (scanned through a bounded window).
 * There is no size cap; memory per connection is the buffer plus the scan window. Answers
 * {@code Expect: 100-continue} itself, as Netty's aggregator did.
 */
final class BodyGate extends ChannelInboundHandlerAdapter {

    /**
     * The head of a request whose body streams, and the part of it already buffered. The rest arrives as
     * {@link HttpContent} messages, the last one a {@link LastHttpContent}.
     */
    static final class StreamStart {
        final HttpRequest head;
        final CompositeByteBuf first;

        StreamStart(HttpRequest head, CompositeByteBuf first) {
            this.head = head;
            this.first = first;
        }

        void release() {
            ReferenceCountUtil.safeRelease(first);
        }
    }

    private final int limit;
    private HttpRequest head;
    private CompositeByteBuf buffered;
    private boolean streaming;

    BodyGate(int limit) {
        this.limit = limit;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest r) {
            discard();
            if (!r.decoderResult().isSuccess()) {
                ReferenceCountUtil.release(msg);
                FullHttpRequest bad = new DefaultFullHttpRequest(r.protocolVersion(), r.method(), r.uri());
                bad.setDecoderResult(r.decoderResult());
                ctx.fireChannelRead(bad);
                return;
            }
            if (HttpUtil.is100ContinueExpected(r)) {
                r.headers().remove(HttpHeaderNames.EXPECT);
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
            }
            head = r;
            buffered = null; // made on the first non-empty part: most requests have no body
            streaming = false;
            if (msg instanceof HttpContent c) {
                content(ctx, c);
            }
            return;
        }
        if (msg instanceof HttpContent c) {
            content(ctx, c);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void content(ChannelHandlerContext ctx, HttpContent c) {
        if (streaming) {
            if (c instanceof LastHttpContent) {
                streaming = false;
            }
            ctx.fireChannelRead(c);
            return;
        }
        if (head == null) {
            c.release();
            return;
        }
        if (c.content().isReadable()) {
            if (buffered == null) {
                buffered = ctx.alloc().compositeBuffer(1024);
            }
            buffered.addComponent(true, c.content().retain());
        }
        boolean last = c instanceof LastHttpContent;
        if (last) {
            HttpHeaders trailers = ((LastHttpContent) c).trailingHeaders();
            ByteBuf content = buffered == null ? Unpooled.EMPTY_BUFFER : buffered;
            FullHttpRequest full = new DefaultFullHttpRequest(head.protocolVersion(), head.method(), head.uri(),
                    content, head.headers(), trailers.isEmpty() ? EmptyHttpHeaders.INSTANCE : trailers.copy());
            c.release();
            HttpUtil.setTransferEncodingChunked(full, false);
            if (content.isReadable() || head.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
                full.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
            }
            head = null;
            buffered = null;
            ctx.fireChannelRead(full);
            return;
        }
        c.release();
        if (buffered != null && buffered.readableBytes() > limit) {
            StreamStart s = new StreamStart(head, buffered);
            head = null;
            buffered = null;
            streaming = true;
            ctx.fireChannelRead(s);
        }
    }

    private void discard() {
        if (buffered != null) {
            buffered.release();
            buffered = null;
        }
        head = null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        discard();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        discard();
    }
}
