package dev.botbottle.egress.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A raw HTTP/2 client for gateway tests: CONNECT through the gateway, TLS offering only {@code h2} by ALPN, then
 * frames written by hand (so a test can send what a well-behaved client never would: uppercase header names, a
 * second {@code :authority}, CONTINUATION and RST_STREAM floods) and read back one by one. Not thread-safe.
 */
public final class H2Client implements AutoCloseable {

    /** Frame types. */
    public static final int DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, PING = 6, GOAWAY = 7,
            WINDOW_UPDATE = 8, CONTINUATION = 9;
    public static final int END_STREAM = 1, END_HEADERS = 4, ACK = 1;

    /**
     * What came back on one stream.
     *
     * @param headers the response headers, or null
     * @param body the body
     * @param trailers the trailers, or null
     * @param resetCode the RST_STREAM error code, or -1
     * @param goAwayCode the GOAWAY error code when the connection ended, or -1
     */
    public record Reply(Http2Headers headers, byte[] body, Http2Headers trailers, long resetCode, long goAwayCode) {
        /** @return the {@code :status}, or 0 */
        public int status() {
            return headers == null || headers.status() == null ? 0 : Integer.parseInt(headers.status().toString());
        }

        /** @return the body as UTF-8 */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final SSLSocket tls;
    private final DataInputStream in;
    private final OutputStream out;
    private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder(
            Http2HeadersEncoder.NEVER_SENSITIVE, true);
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
    private long goAway = -1;

    private H2Client(SSLSocket tls) throws IOException {
        this.tls = tls;
        this.in = new DataInputStream(tls.getInputStream());
        this.out = tls.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        // a large connection window, so long bodies do not wait for WINDOW_UPDATEs
        frame(SETTINGS, 0, 0, new byte[0]);
        frame(WINDOW_UPDATE, 0, 0, int32(1 << 30));
    }

    /**
     * @param proxyPort the gateway's port on 127.0.0.1
     * @param host the route host (CONNECT target, SNI, certificate name)
     * @param port the CONNECT port
     * @param proxyAuthorization the proxy secret header value
     * @param trust trusting the gateway's CA
     * @return a client after the connection preface, or null when the gateway did not choose h2
     */
    public static H2Client open(int proxyPort, String host, int port, String proxyAuthorization, SSLContext trust)
            throws IOException {
        Object c = ProxyClient.connect(proxyPort, host + ":" + port, proxyAuthorization);
        if (!(c instanceof Socket tunnel)) {
            throw new IOException("CONNECT refused: " + c);
        }
        SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket(tunnel, host, port, true);
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(host)));
        p.setEndpointIdentificationAlgorithm("HTTPS");
        p.setApplicationProtocols(new String[] {"h2"});
        s.setSSLParameters(p);
        s.setSoTimeout(20_000);
        s.startHandshake();
        if (!"h2".equals(s.getApplicationProtocol())) {
            s.close();
            return null;
        }
        return new H2Client(s);
    }

    /** @return request headers for {@code GET https://host/path}, validation off (anything may be added) */
    public static Http2Headers request(String method, String host, String path) {
        Http2Headers h = new DefaultHttp2Headers(false);
        h.method(method).scheme("https").authority(host).path(path);
        return h;
    }

    /** Sends a HEADERS frame (END_HEADERS set). */
    public void headers(int stream, Http2Headers h, boolean endStream) throws IOException {
        frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, encode(stream, h));
    }

    /** @return the HPACK block of {@code h} */
    public byte[] encode(int stream, Http2Headers h) throws IOException {
        ByteBuf b = Unpooled.buffer();
        try {
            encoder.encodeHeaders(stream, h, b);
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } catch (Http2Exception e) {
            throw new IOException(e);
        } finally {
            b.release();
        }
    }

    /** Sends DATA, in frames of at most 16 KiB. */
    public void data(int stream, byte[] body, boolean endStream) throws IOException {
        int at = 0;
        do {
            int n = Math.min(16384, body.length - at);
            byte[] part = java.util.Arrays.copyOfRange(body, at, at + n);
            at += n;
            frame(DATA, at == body.length && endStream ? END_STREAM : 0, stream, part);
        } while (at < body.length);
    }

    /** Sends RST_STREAM (CANCEL). */
    public void reset(int stream) throws IOException {
        frame(RST_STREAM, 0, stream, int32(8));
    }

    /** Writes one frame. */
    public void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        byte[] head = new byte[9];
        head[0] = (byte) (payload.length >>> 16);
        head[1] = (byte) (payload.length >>> 8);
        head[2] = (byte) payload.length;
        head[3] = (byte) type;
        head[4] = (byte) flags;
        System.arraycopy(int32(stream), 0, head, 5, 4);
        out.write(head);
        out.write(payload);
        out.flush();
    }

    private static byte[] int32(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /**
     * Reads frames until {@code stream} ends (END_STREAM, RST_STREAM) or the connection does (GOAWAY, close),
     * answering SETTINGS and PING and opening flow-control windows on the way.
     */
    public Reply await(int stream) throws IOException {
        Http2Headers headers = null;
        Http2Headers trailers = null;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ByteArrayOutputStream block = null;
        int blockStream = 0;
        int blockFlags = 0;
        while (true) {
            int len;
            int type;
            int flags;
            int id;
            byte[] payload;
            try {
                len = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
                type = in.readUnsignedByte();
                flags = in.readUnsignedByte();
                id = in.readInt() & 0x7FFFFFFF;
                payload = new byte[len];
                in.readFully(payload);
            } catch (EOFException | SocketException e) {
                return new Reply(headers, body.toByteArray(), trailers, -1, goAway < 0 ? 0 : goAway);
            }
            switch (type) {
                case SETTINGS -> {
                    if ((flags & ACK) == 0) {
                        frame(SETTINGS, ACK, 0, new byte[0]);
                    }
                }
                case PING -> {
                    if ((flags & ACK) == 0) {
                        frame(PING, ACK, 0, payload);
                    }
                }
                case GOAWAY -> {
                    goAway = readInt(payload, 4);
                    return new Reply(headers, body.toByteArray(), trailers, -1, goAway);
                }
                case RST_STREAM -> {
                    if (id == stream) {
                        return new Reply(headers, body.toByteArray(), trailers, readInt(payload, 0), -1);
                    }
                }
                case DATA -> {
                    if (len > 0) {
                        frame(WINDOW_UPDATE, 0, id, int32(len));
                    }
                    if (id == stream) {
                        body.write(payload, 0, payload.length);
                        if ((flags & END_STREAM) != 0) {
                            return new Reply(headers, body.toByteArray(), trailers, -1, -1);
                        }
                    }
                }
                case HEADERS, CONTINUATION -> {
                    if (type == HEADERS) {
                        block = new ByteArrayOutputStream();
                        blockStream = id;
                        blockFlags = flags;
                        int skip = (flags & 0x8) != 0 ? 1 : 0; // PADDED
                        int pad = skip == 1 ? payload[0] & 0xFF : 0;
                        int prio = (flags & 0x20) != 0 ? 5 : 0;
                        block.write(payload, skip + prio, payload.length - skip - prio - pad);
                    } else if (block != null) {
                        block.write(payload, 0, payload.length);
                    }
                    if ((flags & END_HEADERS) != 0 && block != null) {
                        Http2Headers h = decode(blockStream, block.toByteArray());
                        block = null;
                        if (blockStream == stream) {
                            if (headers == null || (headers.status() != null
                                    && headers.status().toString().startsWith("1"))) {
                                headers = h;
                            } else {
                                trailers = h;
                            }
                            if ((blockFlags & END_STREAM) != 0) {
                                return new Reply(headers, body.toByteArray(), trailers, -1, -1);
                            }
                        }
                    }
                }
                default -> {
                    // WINDOW_UPDATE, PRIORITY, ...: nothing to do
                }
            }
        }
    }

    private Http2Headers decode(int stream, byte[] block) throws IOException {
        ByteBuf b = Unpooled.wrappedBuffer(block);
        try {
            return decoder.decodeHeaders(stream, b);
        } catch (Http2Exception e) {
            throw new IOException(e);
        } finally {
            b.release();
        }
    }

    private static long readInt(byte[] b, int at) {
        return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFFL) << 16) | ((b[at + 2] & 0xFFL) << 8) | (b[at + 3] & 0xFFL);
    }

    /** @return whether the gateway closed the connection (a read sees its end) */
    public boolean closedByPeer() {
        try {
            tls.setSoTimeout(20_000);
            while (true) {
                Reply r = await(Integer.MAX_VALUE);
                if (r.goAwayCode() >= 0) {
                    // after GOAWAY the gateway closes: read on to the end
                    return in.read() < 0 || drainToEnd();
                }
            }
        } catch (IOException e) {
            return true;
        }
    }

    private boolean drainToEnd() throws IOException {
        byte[] b = new byte[8192];
        while (in.read(b) >= 0) {
            // discard
        }
        return true;
    }

    /**
     * Reads and drops whatever arrives until the connection ends (its end, or a reset).
     *
     * @throws java.net.SocketTimeoutException when it has not ended within the read timeout (20 s)
     */
    public void readToEnd() throws IOException {
        try {
            drainToEnd();
        } catch (SocketException e) {
            // reset: ended too
        }
    }

    @Override
    public void close() throws IOException {
        tls.close();
    }
}
