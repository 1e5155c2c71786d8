package dev.botbottle.egress.testing;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Raw-socket client for proxy tests: CONNECT, TLS with a chosen SNI, hand-written HTTP/1.1. */
public final class ProxyClient {

    private ProxyClient() {
    }

    /**
     * @param status the status code
     * @param head the status line and headers
     * @param body the body
     */
    public record Response(int status, String head, String body) {
    }

    /**
     * @param proxyPort the gateway port on 127.0.0.1
     * @param authority the CONNECT target, {@code host:port}
     * @return the socket after a 200, or the refusal
     */
    public static Object connect(int proxyPort, String authority) throws IOException {
        return connect(proxyPort, authority, null);
    }

    /**
     * @param proxyPort the gateway port on 127.0.0.1
     * @param authority the CONNECT target, {@code host:port}
     * @param proxyAuthorization the {@code Proxy-Authorization} value to send, or null for none
     * @return the socket after a 200, or the refusal
     */
    public static Object connect(int proxyPort, String authority, String proxyAuthorization) throws IOException {
        Socket s = new Socket("127.0.0.1", proxyPort);
        s.setSoTimeout(20_000);
        OutputStream out = s.getOutputStream();
        out.write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n"
                + (proxyAuthorization == null ? "" : "Proxy-Authorization: " + proxyAuthorization + "\r\n") + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Response r = read(s.getInputStream());
        if (r.status() == 200) {
            return s;
        }
        s.close();
        return r;
    }

    /**
     * @param tunnel a socket after CONNECT
     * @param ctx trust
     * @param sni the SNI to send
     * @param verifyHost the name to verify the certificate against
     * @param protocols TLS versions to offer
     * @return the handshaken TLS socket
     */
    public static SSLSocket tls(Socket tunnel, SSLContext ctx, String sni, String verifyHost, String... protocols)
            throws IOException {
        SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(tunnel, verifyHost, 443, true);
        SSLParameters p = tls.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(sni)));
        p.setEndpointIdentificationAlgorithm("HTTPS");
        if (protocols.length > 0) {
            p.setProtocols(protocols);
        }
        tls.setSSLParameters(p);
        tls.startHandshake();
        return tls;
    }

    /**
     * Sends one request on an open connection and reads one response (Content-Length bodies only).
     *
     * @param s the connection
     * @param request the whole request text
     * @return the response
     */
    public static Response exchange(Socket s, String request) throws IOException {
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return read(s.getInputStream());
    }

    /**
     * @param in a stream positioned at a response
     * @return the response, body read by Content-Length (none if absent)
     */
    public static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head);
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                    ? state + 1 : 0;
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(h.substring(9, 12));
        int len = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                len = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(len);
        return new Response(status, h, new String(body, StandardCharsets.UTF_8));
    }
}
