package dev.botbottle.egress.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTPS server on loopback (the upstream double of tests and benchmarks), presenting a certificate of a
 * {@link TestPki}. Records every request. Paths: {@code /bytes/N} answers N bytes; {@code /echo} reflects the
 * request's headers in its body and its {@code Authorization} in {@code X-Echo-Authorization} (as careless APIs and
 * error pages do); {@code /sse} sends one server-sent event, then a second only after {@link #releaseSse()};
 * anything else answers {@code ok} (200).
 */
public final class LoopbackUpstream implements AutoCloseable {

    /**
     * One request the upstream received.
     *
     * @param method the method
     * @param path the path and query
     * @param headers header names in lower case, first value each
     * @param body the body
     * @param tlsSessionId the server-side TLS session id, hex
     */
    public record Received(String method, String path, Map<String, String> headers, byte[] body,
                           String tlsSessionId) {
        /** @return the body as UTF-8 */
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpsServer server;
    private final ExecutorService executor;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private volatile boolean recording = true;
    private final BlockingQueue<Boolean> sseGate = new LinkedBlockingQueue<>();

    private LoopbackUpstream(HttpsServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * @param pki the PKI whose certificate it presents
     * @param hosts the names its certificate covers
     * @param threads handler threads
     * @return the running server on 127.0.0.1, ephemeral port
     */
    public static LoopbackUpstream start(TestPki pki, List<String> hosts, int threads) {
        return start(pki, hosts, threads, "127.0.0.1");
    }

    /**
     * @param pki the PKI whose certificate it presents
     * @param hosts the names its certificate covers
     * @param threads handler threads
     * @param bindAddress the address it listens on (a gateway in a container reaches the host on its bridge address)
     * @return the running server, ephemeral port
     */
    public static LoopbackUpstream start(TestPki pki, List<String> hosts, int threads, String bindAddress) {
        // without it the JDK server's separate header and body writes meet the client's delayed ACK (~40 ms each)
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            HttpsServer s = HttpsServer.create(new InetSocketAddress(bindAddress, 0), 256);
            SSLContext ctx = pki.serverContext(hosts);
            s.setHttpsConfigurator(new HttpsConfigurator(ctx) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters p = ctx.getDefaultSSLParameters();
                    params.setSSLParameters(p);
                }
            });
            ExecutorService ex = Executors.newFixedThreadPool(threads);
            s.setExecutor(ex);
            LoopbackUpstream up = new LoopbackUpstream(s, ex);
            s.createContext("/", up::handle);
            s.start();
            return up;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(com.sun.net.httpserver.HttpExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        Map<String, String> headers = new TreeMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
        String session = ex instanceof HttpsExchange https
                ? HexFormat.of().formatHex(https.getSSLSession().getId()) : "";
        String path = ex.getRequestURI().toString();
        if (recording) {
            received.add(new Received(ex.getRequestMethod(), path, headers, body, session));
        }
        ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
        if (path.startsWith("/require-bearer")) {
            // answers 401, as an API does to an expired or revoked token, unless the bearer is the accepted one
            boolean ok = ("Bearer " + acceptedBearer).equals(headers.get("authorization"));
            byte[] reply = (ok ? "ok" : "token refused").getBytes(StandardCharsets.UTF_8);
            if (!ok) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"loopback\""); // as real APIs answer
            }
            ex.sendResponseHeaders(ok ? 200 : 401, reply.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(reply);
            }
            return;
        }
        if (path.startsWith("/bytes/")) {
            long n = Long.parseLong(path.substring("/bytes/".length()));
            ex.sendResponseHeaders(200, n == 0 ? -1 : n);
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream os = ex.getResponseBody()) {
                for (long left = n; left > 0; left -= chunk.length) {
                    os.write(chunk, 0, (int) Math.min(chunk.length, left));
                }
            }
            return;
        }
        if (path.startsWith("/echo")) {
            StringBuilder b = new StringBuilder();
            headers.forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
            byte[] echo = b.toString().getBytes(StandardCharsets.UTF_8);
            if (headers.containsKey("authorization")) {
                ex.getResponseHeaders().set("X-Echo-Authorization", headers.get("authorization"));
            }
            ex.sendResponseHeaders(200, echo.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(echo);
            }
            return;
        }
        if (path.startsWith("/sse")) {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream os = ex.getResponseBody()) {
                os.write("data: one\n\n".getBytes(StandardCharsets.UTF_8));
                os.flush();
                try {
                    sseGate.poll(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                os.write("data: two\n\n".getBytes(StandardCharsets.UTF_8));
            }
            return;
        }
        byte[] out = "ok".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }

    /** Lets a waiting {@code /sse} response send its second event and finish. */
    public void releaseSse() {
        sseGate.add(Boolean.TRUE);
    }

    private volatile String acceptedBearer = "";

    /** @param token the bearer token {@code /require-bearer} accepts; any other gets 401 */
    public void acceptBearer(String token) {
        acceptedBearer = token;
    }

    /** @param on whether requests are recorded (benchmarks turn it off) */
    public void recording(boolean on) {
        recording = on;
    }

    /** @return the port on 127.0.0.1 */
    public int port() {
        return server.getAddress().getPort();
    }

    /** @return the next recorded request, waiting up to ten seconds; fails when none came */
    public Received take() {
        try {
            Received r = received.poll(10, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("the upstream received no request");
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** @return requests recorded and not yet taken */
    public List<Received> drain() {
        List<Received> out = new java.util.ArrayList<>();
        received.drainTo(out);
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
