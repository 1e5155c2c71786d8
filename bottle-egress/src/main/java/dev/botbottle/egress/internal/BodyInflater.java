package dev.botbottle.egress.internal;

import dev.botbottle.dlp.DlpScanner;
import dev.botbottle.dlp.DlpStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.compression.Brotli;
import io.netty.handler.codec.compression.BrotliDecoder;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Looks inside a compressed request body ({@code Content-Encoding: gzip, deflate, br}) with Netty's decoders, so
 * a secret is not carried out compressed. The inflated text streams through a bounded DLP window and is dropped;
 * inflating stops (and the body counts as a finding) past {@link #RATIO} times the compressed size, so a
 * decompression bomb costs bounded work. What cannot be inflated is a finding too: it cannot be checked.
 */
final class BodyInflater {

    static final int RATIO = 1024;
    private static final int SLICE = 16 * 1024;

    private BodyInflater() {
    }

    /** @return the DLP rules found in the inflated body; empty when none, or when the body is not compressed */
    static Set<String> scan(FullHttpRequest req, DlpScanner scanner) {
        String ce = req.headers().get(HttpHeaderNames.CONTENT_ENCODING);
        ByteBuf body = req.content();
        if (ce == null || body.readableBytes() == 0) {
            return Set.of();
        }
        String enc = ce.strip().toLowerCase(Locale.ROOT);
        if (enc.equals("identity")) {
            return Set.of();
        }
        ChannelHandler decoder = switch (enc) {
            case "gzip", "x-gzip" -> ZlibCodecFactory.newZlibDecoder(ZlibWrapper.GZIP, 0);
            case "deflate" -> ZlibCodecFactory.newZlibDecoder(ZlibWrapper.ZLIB_OR_NONE, 0);
            case "br" -> Brotli.isAvailable() ? new BrotliDecoder() : null;
            default -> null;
        };
        if (decoder == null) {
            return Set.of("compressed-body (content-encoding '" + enc + "' cannot be inflated for scanning)");
        }
        long limit = (long) RATIO * body.readableBytes() + 1024 * 1024;
        long inflated = 0;
        DlpStream stream = scanner.stream(true, DlpStream.Redaction.NONE);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        try {
            for (int i = body.readerIndex(); i < body.writerIndex(); i += SLICE) {
                ch.writeInbound(body.retainedSlice(i, Math.min(SLICE, body.writerIndex() - i)));
                ByteBuf out;
                while ((out = ch.readInbound()) != null) {
                    try {
                        inflated += out.readableBytes();
                        stream.feed(out.toString(StandardCharsets.ISO_8859_1));
                    } finally {
                        out.release();
                    }
                    if (inflated > limit) {
                        return Set.of("compressed-body (inflates past " + RATIO + " times its size)");
                    }
                }
            }
            stream.finish();
        } catch (RuntimeException e) {
            return Set.of("compressed-body (invalid " + enc + " data)");
        } finally {
            ch.finishAndReleaseAll();
        }
        return stream.rules().stream().map(r -> r + " (" + enc + " body)")
                .collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new));
    }
}
