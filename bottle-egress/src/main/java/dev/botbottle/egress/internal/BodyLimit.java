package dev.botbottle.egress.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Buffers each request whole (DLP scans the full body) up to the gateway's limit; an oversized request is answered
 * 413 by Netty and, unlike there, recorded in the audit log.
 */
final class BodyLimit extends HttpObjectAggregator {

    private final ProxyContext px;
    private final String tunnelHost;

    BodyLimit(ProxyContext px, String tunnelHost) {
        super(px.maxRequestBody());
        this.px = px;
        this.tunnelHost = tunnelHost;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (oversized instanceof HttpRequest r) {
            String host = tunnelHost != null ? tunnelHost : String.valueOf(r.headers().get(HttpHeaderNames.HOST));
            px.audit(r.method().name(), host, ExchangeHandler.pathOf(r.uri()), "", false, "request body larger than "
                    + px.maxRequestBody() + " bytes, the most the gateway buffers for scanning", 413, 0, 0);
        }
        super.handleOversizedMessage(ctx, oversized);
    }
}
