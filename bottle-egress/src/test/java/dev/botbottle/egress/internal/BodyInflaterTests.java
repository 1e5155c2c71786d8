package dev.botbottle.egress.internal;

import dev.botbottle.dlp.DlpScanner;
import dev.botbottle.spi.Secret;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class BodyInflaterTests {

    static final String TOKEN = "real-token-4f9a1c2e8b7d";
    private final DlpScanner scanner = DlpScanner.builtIn()
            .withLiterals(Map.of("bottle-credential:T", Secret.of(TOKEN)));

    static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    static HttpHeaders encoding(String e) {
        return new DefaultHttpHeaders().set("Content-Encoding", e);
    }

    @Test
    void findsASecretInAGzipBodyFedInPieces() throws Exception {
        java.util.Random rnd = new java.util.Random(7);
        byte[] text = new byte[300_000];
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) ('a' + rnd.nextInt(26));
        }
        System.arraycopy((" " + TOKEN + " ").getBytes(), 0, text, 150_000, TOKEN.length() + 2);
        byte[] z = gzip(text);
        BodyInflater i = BodyInflater.of(encoding("gzip"), scanner);
        for (int off = 0; off < z.length; off += 8192) {
            i.feed(Unpooled.wrappedBuffer(z, off, Math.min(8192, z.length - off)));
        }
        assertThat(i.finish()).containsExactly("bottle-credential:T (gzip body)");
    }

    @Test
    void aBombAndGarbageAndUnknownEncodingsAreFindingsToo() throws Exception {
        byte[] bomb = gzip(new byte[50 * 1024 * 1024]);
        BodyInflater b = BodyInflater.of(encoding("gzip"), scanner);
        b.feed(Unpooled.wrappedBuffer(bomb));
        assertThat(b.finish()).singleElement().asString().contains("inflates past");
        BodyInflater g = BodyInflater.of(encoding("deflate"), scanner);
        g.feed(Unpooled.wrappedBuffer("not deflate at all".getBytes()));
        assertThat(g.finish()).singleElement().asString().contains("invalid");
        assertThat(BodyInflater.of(encoding("zstd-ish"), scanner).finish()).singleElement().asString()
                .contains("cannot be inflated");
        assertThat(BodyInflater.of(encoding("identity"), scanner)).isNull();
    }

    @Test
    void aStreamedGzipBodyWithASecretAtItsEndIsBlocked() throws Exception {
        java.util.Random rnd = new java.util.Random(7);
        byte[] text = new byte[2 * 1024 * 1024 + TOKEN.length() + 2];
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) ('a' + rnd.nextInt(26));
        }
        System.arraycopy((" " + TOKEN + " ").getBytes(), 0, text, 2 * 1024 * 1024, TOKEN.length() + 2);
        byte[] z = gzip(text);
        Policy policy = Policy.build(java.util.List.of(dev.botbottle.spi.EgressRoute.withAuth("h.example",
                new dev.botbottle.spi.RouteAuth("Bearer", "T"))), dev.botbottle.spi.CredentialSource
                .fromEnvironment(Map.of("T", TOKEN)), Map.of());
        StreamedBody body = new StreamedBody(policy, java.util.Optional.of(dev.botbottle.spi.EgressRoute.allow("x")),
                encoding("gzip"));
        boolean sawNull = false;
        int first = 1024 * 1024 + 5000;
        var head = Unpooled.compositeBuffer();
        for (int off = 0; off < first; off += 8192) {
            head.addComponent(true, Unpooled.wrappedBuffer(z, off, Math.min(8192, first - off)));
        }
        var firstOut = body.next(new io.netty.handler.codec.http.DefaultHttpContent(head));
        assertThat(firstOut).isNotNull();
        firstOut.release();
        for (int off = first; off <= z.length; off += 8192) {
            var part = Unpooled.wrappedBuffer(z, off, Math.min(8192, z.length - off));
            var c = off + 8192 > z.length ? new io.netty.handler.codec.http.DefaultLastHttpContent(part)
                    : new io.netty.handler.codec.http.DefaultHttpContent(part);
            var out = body.next(c);
            if (out == null) {
                sawNull = true;
                break;
            }
            out.release();
        }
        assertThat(sawNull).as(body.rules()).isTrue();
        assertThat(body.rules()).contains("bottle-credential:T (gzip body)");
    }
}
