package dev.botbottle.egress.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The first handler of every bottle connection: enforces the gateway's connection cap, closes a connection whose
 * first request head does not arrive in time (slow-loris) and one that carried nothing for the idle time-out
 * (fed by an {@link io.netty.handler.timeout.IdleStateHandler} in front of it). Every refusal is audited.
 */
final class ConnectionGuard extends ChannelDuplexHandler {

    private final ProxyContext px;
    private boolean counted;
    private ScheduledFuture<?> headDeadline;

    ConnectionGuard(ProxyContext px) {
        this.px = px;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        int open = px.connections().incrementAndGet();
        counted = true;
        if (open > px.limits().maxConnections()) {
            px.audit("", "", "", "", false, "connection refused: this bottle already has "
                    + px.limits().maxConnections() + " open connections to its gateway (the limit)", 0, 0, 0);
            ctx.close();
            return;
        }
        long ms = px.limits().headTimeout().toMillis();
        headDeadline = ctx.executor().schedule(() -> {
            px.audit("", "", "", "", false, "connection closed: no complete request head within " + ms + " ms", 408,
                    0, 0);
            ctx.close();
        }, ms, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    /** Called by the exchange handler when a request head arrived. */
    void headArrived() {
        if (headDeadline != null) {
            headDeadline.cancel(false);
            headDeadline = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            px.audit("", "", "", "", true, "connection closed after " + px.limits().idleTimeout().toSeconds()
                    + " s without traffic", 0, 0, 0);
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        headArrived();
        if (counted) {
            counted = false;
            px.connections().decrementAndGet();
        }
        ctx.fireChannelInactive();
    }

    /** Marks the head as arrived when the first decoded request passes (installed after the codec). */
    static final class HeadSeen extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final ConnectionGuard guard;

        HeadSeen(ConnectionGuard guard) {
            this.guard = guard;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                guard.headArrived();
                ctx.pipeline().remove(this);
            }
            ctx.fireChannelRead(msg);
        }
    }
}
