package dev.botbottle.egress.internal;

import io.netty.channel.Channel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * The upstream HTTP/2 connections the streams of one bottle HTTP/2 connection share: one per upstream (host, port,
 * private-address and credential choice), each stream of the bottle becoming a stream of it. An upstream that
 * answered ALPN with {@code http/1.1} gets one connection per bottle stream instead. Confined to the bottle
 * connection's event loop (its streams share it); closed with it.
 */
final class UpstreamPool {

    private final Map<String, Channel> http2 = new HashMap<>();
    private boolean closed;

    /** @return the open HTTP/2 connection for {@code key}, or null */
    Channel http2(String key) {
        Channel c = http2.get(key);
        return c != null && c.isActive() ? c : null;
    }

    /** Keeps {@code c} for the next streams to {@code key} (until it closes). */
    void putHttp2(String key, Channel c) {
        if (closed) {
            c.close();
            return;
        }
        Channel old = http2.put(key, c);
        if (old != null && old != c) {
            // streams still open on the old one finish; no new ones go there
            old.closeFuture().addListener(f -> { });
        }
        c.closeFuture().addListener(f -> http2.remove(key, c));
    }

    /** Closes every connection (the bottle connection closed). */
    void close() {
        closed = true;
        for (Channel c : new ArrayList<>(http2.values())) {
            c.close();
        }
        http2.clear();
    }
}
