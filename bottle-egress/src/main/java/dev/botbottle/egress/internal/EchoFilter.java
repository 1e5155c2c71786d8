package dev.botbottle.egress.internal;

import dev.botbottle.spi.Secret;

import java.util.List;
import java.util.Map;

/**
 * Replaces the real credentials in what an auth route's upstream sends back (upstreams that echo request headers
 * exist, and error pages quote them), with a placeholder of the same length, so framing stays valid. Streams: only
 * a tail that could be the start of a credential is held back, so server-sent events are not delayed.
 * One per response; not thread-safe.
 */
final class EchoFilter {

    private final List<String> values;
    private final List<String> placeholders;
    private final StringBuilder pending = new StringBuilder();
    private int replaced;

    /** @param credentials rule name to real value (values of fewer than 8 chars are ignored, as in DLP) */
    EchoFilter(Map<String, Secret> credentials) {
        this.values = credentials.values().stream().map(Secret::reveal).filter(v -> v.length() >= 8).toList();
        this.placeholders = values.stream().map(EchoFilter::placeholder).toList();
    }

    static String placeholder(String value) {
        String marker = "[bot-bottle:credential]";
        return value.length() >= marker.length() ? marker + "*".repeat(value.length() - marker.length())
                : "*".repeat(value.length());
    }

    /** @return whether there is anything to look for */
    boolean active() {
        return !values.isEmpty();
    }

    /** @return how many credential occurrences were replaced */
    int replaced() {
        return replaced;
    }

    /**
     * @param text a whole value (a header)
     * @return it with every credential replaced
     */
    String whole(String text) {
        String out = text;
        for (int i = 0; i < values.size(); i++) {
            if (out.contains(values.get(i))) {
                replaced++;
                out = out.replace(values.get(i), placeholders.get(i));
            }
        }
        return out;
    }

    /**
     * @param chunk the next part of a body, one char per byte
     * @return what may be sent now
     */
    String feed(String chunk) {
        pending.append(chunk);
        String text = whole(pending.toString());
        int hold = 0;
        for (String v : values) {
            for (int k = Math.min(v.length() - 1, text.length()); k > hold; k--) {
                if (text.regionMatches(text.length() - k, v, 0, k)) {
                    hold = k;
                    break;
                }
            }
        }
        pending.setLength(0);
        pending.append(text, text.length() - hold, text.length());
        return text.substring(0, text.length() - hold);
    }

    /** @return what is still held back */
    String finish() {
        String out = whole(pending.toString());
        pending.setLength(0);
        return out;
    }

    /**
     * @param c the next part of a response (released here)
     * @return it with echoed credentials replaced (same length), trailers too
     */
    io.netty.handler.codec.http.HttpContent filter(io.netty.handler.codec.http.HttpContent c) {
        String text = c.content().toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        boolean last = c instanceof io.netty.handler.codec.http.LastHttpContent;
        String out = feed(text) + (last ? finish() : "");
        io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.copiedBuffer(out,
                java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!last) {
            c.release();
            return new io.netty.handler.codec.http.DefaultHttpContent(buf);
        }
        var l = new io.netty.handler.codec.http.DefaultLastHttpContent(buf);
        ((io.netty.handler.codec.http.LastHttpContent) c).trailingHeaders()
                .forEach(h -> l.trailingHeaders().add(h.getKey(), whole(h.getValue())));
        c.release();
        return l;
    }
}
