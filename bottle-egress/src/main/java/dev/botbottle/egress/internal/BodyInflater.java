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
import io.netty.handler.codec.http.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Looks inside a compressed request body ({@code Content-Encoding: gzip, deflate, br}) with Netty's decoders, so
 * a secret is not carried out compressed. The inflated text streams through a bounded DLP window and is dropped;
 * inflating stops (and the body counts as a finding) past {@link #RATIO} times the compressed size, so a
 * decompression bomb costs bounded work. What cannot be inflated is a finding too: it cannot be checked.
 * One per body; not thread-safe.
 */
final class BodyInflater {

    static final int RATIO = 256;
    private static final int SLICE = 16 * 1024;

    private final String encoding;
    private final EmbeddedChannel channel;
    private final DlpStream stream;
    private final Set<String> problems = new LinkedHashSet<>();
    private long compressed;
    private long inflated;

    private BodyInflater(String encoding, ChannelHandler decoder, DlpScanner scanner) {
        this.encoding = encoding;
        this.channel = decoder == null ? null : new EmbeddedChannel(decoder);
        this.stream = scanner.stream(true, DlpStream.Redaction.NONE);
        if (decoder == null) {
            problems.add("compressed-body (content-encoding '" + encoding + "' cannot be inflated for scanning)");
        }
    }

    /** @return an inflater for the body of a message with these headers, or null when it is not compressed */
    static BodyInflater of(HttpHeaders headers, DlpScanner scanner) {
        String ce = headers.get(HttpHeaderNames.CONTENT_ENCODING);
        if (ce == null) {
            return null;
        }
        String enc = ce.strip().toLowerCase(Locale.ROOT);
        if (enc.isEmpty() || enc.equals("identity")) {
            return null;
        }
        ChannelHandler decoder = switch (enc) {
            case "gzip", "x-gzip" -> ZlibCodecFactory.newZlibDecoder(ZlibWrapper.GZIP, 0);
            case "deflate" -> ZlibCodecFactory.newZlibDecoder(ZlibWrapper.ZLIB_OR_NONE, 0);
            case "br" -> Brotli.isAvailable() ? new BrotliDecoder() : null;
            default -> null;
        };
        return new BodyInflater(enc, decoder, scanner);
    }

    /** @return the DLP rules found in the inflated body of a whole request; empty when none or not compressed */
    static Set<String> scan(FullHttpRequest req, DlpScanner scanner) {
        BodyInflater i = of(req.headers(), scanner);
        if (i == null || req.content().readableBytes() == 0) {
            return Set.of();
        }
        i.feed(req.content());
        return i.finish();
    }

    /** @param part the next compressed bytes (not consumed, not released) */
    void feed(ByteBuf part) {
        if (channel == null || !problems.isEmpty()) {
            return;
        }
        compressed += part.readableBytes();
        try {
            for (int i = part.readerIndex(); i < part.writerIndex(); i += SLICE) {
                channel.writeInbound(part.retainedSlice(i, Math.min(SLICE, part.writerIndex() - i)));
                ByteBuf out;
                while ((out = channel.readInbound()) != null) {
                    try {
                        inflated += out.readableBytes();
                        stream.feed(out.toString(StandardCharsets.ISO_8859_1));
                    } finally {
                        out.release();
                    }
                    if (inflated > RATIO * compressed + 1024 * 1024) {
                        problems.add("compressed-body (inflates past " + RATIO + " times its size)");
                        return;
                    }
                }
            }
        } catch (RuntimeException e) {
            problems.add("compressed-body (invalid " + encoding + " data)");
        }
    }

    /** @return whether a secret (or a problem) was found so far */
    boolean found() {
        return !problems.isEmpty() || stream.found();
    }

    /** @return every finding, rules labelled with the encoding; frees the decoder */
    Set<String> finish() {
        if (channel != null) {
            try {
                channel.finishAndReleaseAll();
            } catch (RuntimeException e) {
                problems.add("compressed-body (invalid " + encoding + " data)");
            }
        }
        Set<String> out = new LinkedHashSet<>(problems);
        stream.finish();
        stream.rules().forEach(r -> out.add(r + " (" + encoding + " body)"));
        return out;
    }
}
