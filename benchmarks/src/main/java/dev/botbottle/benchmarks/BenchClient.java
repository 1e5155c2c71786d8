package dev.botbottle.benchmarks;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One keep-alive HTTPS client connection: direct to the upstream, or through a proxy with CONNECT; lean on purpose
 * (blocking JDK TLS socket, hand-written HTTP/1.1) so the harness costs the same for every target.
 */
final class BenchClient implements AutoCloseable {

    private final SSLSocket tls;
    private final InputStream in;
    private final OutputStream out;
    private final String host;
    private final int port;
    private final byte[] buf = new byte[64 * 1024];
    /** Nanoseconds the TCP connection and, through a proxy, its CONNECT took. */
    final long connectNanos;
    /** Nanoseconds the TLS handshake took. */
    final long handshakeNanos;

    /**
     * @param proxyPort the proxy on 127.0.0.1, or -1 for a direct connection
     * @param host the upstream host
     * @param port the upstream port
     * @param trust the client's trust
     * @param proxyAuthorization the {@code Proxy-Authorization} the proxy wants on CONNECT, or null
     */
    BenchClient(int proxyPort, String host, int port, SSLContext trust, String proxyAuthorization)
            throws IOException {
        this.host = host;
        this.port = port;
        long start = System.nanoTime();
        Socket raw = new Socket();
        raw.setTcpNoDelay(true);
        raw.setSoTimeout(60_000);
        if (proxyPort < 0) {
            raw.connect(new InetSocketAddress("127.0.0.1", port));
        } else {
            raw.connect(new InetSocketAddress("127.0.0.1", proxyPort));
            OutputStream o = raw.getOutputStream();
            o.write(("CONNECT " + host + ":" + port + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n"
                    + (proxyAuthorization == null ? "" : "Proxy-Authorization: " + proxyAuthorization + "\r\n")
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            o.flush();
            InputStream i = raw.getInputStream();
            String head = readHead(i);
            if (!head.startsWith("HTTP/1.1 200") && !head.startsWith("HTTP/1.0 200")) {
                raw.close();
                throw new IOException("CONNECT refused: " + head.lines().findFirst().orElse(head));
            }
        }
        long connected = System.nanoTime();
        connectNanos = connected - start;
        tls = (SSLSocket) trust.getSocketFactory().createSocket(raw, host, port, true);
        SSLParameters p = tls.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(host)));
        p.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(p);
        tls.startHandshake();
        handshakeNanos = System.nanoTime() - connected;
        in = new BufferedInputStream(tls.getInputStream(), 64 * 1024);
        out = tls.getOutputStream();
    }

    /**
     * @param path the path
     * @return body bytes read
     */
    long get(String path) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readHead(in);
        if (!head.startsWith("HTTP/1.1 200")) {
            throw new IOException("unexpected response: " + head.lines().findFirst().orElse(head));
        }
        long len = -1;
        boolean chunked = false;
        for (String line : head.split("\r\n")) {
            String l = line.toLowerCase(java.util.Locale.ROOT);
            if (l.startsWith("content-length:")) {
                len = Long.parseLong(l.substring(15).trim());
            } else if (l.startsWith("transfer-encoding:") && l.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            return readChunked();
        }
        long left = Math.max(0, len);
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("body ended early");
            }
            left -= n;
        }
        return Math.max(0, len);
    }

    /**
     * @param path the path
     * @param total how many body bytes to send
     * @param block the bytes sent, repeated
     * @return the response body bytes read
     */
    long post(String path, long total, byte[] block) throws IOException {
        out.write(("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nContent-Type: application/octet-stream"
                + "\r\nContent-Length: " + total + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        for (long left = total; left > 0; left -= block.length) {
            out.write(block, 0, (int) Math.min(block.length, left));
        }
        out.flush();
        String head = readHead(in);
        if (!head.startsWith("HTTP/1.1 200")) {
            throw new IOException("unexpected response: " + head.lines().findFirst().orElse(head));
        }
        long len = 0;
        for (String line : head.split("\r\n")) {
            String l = line.toLowerCase(java.util.Locale.ROOT);
            if (l.startsWith("content-length:")) {
                len = Long.parseLong(l.substring(15).trim());
            }
        }
        for (long left = len; left > 0; ) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("body ended early");
            }
            left -= n;
        }
        return len;
    }

    private long readChunked() throws IOException {
        long total = 0;
        while (true) {
            String sizeLine = readLine(in);
            int semi = sizeLine.indexOf(';');
            long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailers
                }
                return total;
            }
            long left = size;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException("chunk ended early");
                }
                left -= n;
            }
            total += size;
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + sb);
            }
            sb.append((char) b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                    ? state + 1 : 0;
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        tls.close();
    }
}
