package dev.botbottle.egress.internal;

import dev.botbottle.dlp.DlpStream;
import dev.botbottle.spi.DlpPolicy;
import dev.botbottle.spi.EgressRoute;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The body of one request too long to buffer, scanned as it streams: through a {@link DlpStream} (a secret split
 * across chunks is still found; redaction keeps the length, so the client's framing stays valid) and, when
 * compressed, through a {@link BodyInflater}. Trailers are dropped. Not thread-safe: one per request.
 */
final class StreamedBody {

    private final DlpPolicy.Action action;
    private final DlpStream scan;
    private final BodyInflater inflater;
    private final Set<String> rules = new LinkedHashSet<>();
    private boolean blocked;

    StreamedBody(Policy policy, Optional<EgressRoute> route, HttpHeaders headers) {
        DlpPolicy dlp = route.map(EgressRoute::dlp).orElse(DlpPolicy.DEFAULT);
        this.action = dlp.onMatch();
        this.scan = dlp.enabled() ? policy.scanner().stream(true, action == DlpPolicy.Action.REDACT
                ? DlpStream.Redaction.SAME_LENGTH : DlpStream.Redaction.NONE) : null;
        this.inflater = dlp.enabled() ? BodyInflater.of(headers, policy.scanner()) : null;
    }

    /**
     * @param c the next part of the body (released here)
     * @return what to send upstream, or null when the body is blocked (nothing more may be sent)
     */
    HttpContent next(HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        if (scan == null) {
            if (last && !((LastHttpContent) c).trailingHeaders().isEmpty()) {
                return new DefaultLastHttpContent(c.content());
            }
            return c;
        }
        if (inflater != null) {
            inflater.feed(c.content());
            if (last) {
                rules.addAll(inflater.finish());
            } else if (inflater.found()) {
                rules.add("compressed body");
            }
        }
        String text = c.content().toString(StandardCharsets.ISO_8859_1);
        c.release();
        String out = scan.feed(text) + (last ? scan.finish() : "");
        rules.addAll(scan.rules());
        boolean inCompressed = inflater != null && inflater.found();
        if ((action == DlpPolicy.Action.BLOCK && !rules.isEmpty()) || (action == DlpPolicy.Action.REDACT
                && inCompressed)) {
            blocked = true;
            return null;
        }
        ByteBuf b = Unpooled.copiedBuffer(out, StandardCharsets.ISO_8859_1);
        return last ? new DefaultLastHttpContent(b) : new DefaultHttpContent(b);
    }

    /** @return whether the body was blocked */
    boolean blocked() {
        return blocked;
    }

    /** @return the rules found, joined */
    String rules() {
        return String.join(", ", rules);
    }

    /** @return what DLP did to a body that went through, for the audit; empty when nothing */
    String note() {
        if (rules.isEmpty()) {
            return "";
        }
        return (action == DlpPolicy.Action.WARN ? "dlp warning: " : "dlp redacted: ") + rules();
    }
}
