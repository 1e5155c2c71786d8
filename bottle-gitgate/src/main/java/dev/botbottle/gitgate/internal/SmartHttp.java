package dev.botbottle.gitgate.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.botbottle.spi.GatewayAuditEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Git's smart HTTP protocol on the JDK's HTTP server: {@code GET /<secret>/<remote>.git/info/refs?service=...},
 * {@code POST /<secret>/<remote>.git/git-upload-pack} and {@code .../git-receive-pack}. Every request must carry
 * the bottle's secret as its first path segment (401 otherwise); nothing else is served. The path (it holds the
 * secret) is never logged. Every request is audited (the remote's name and what was asked, never the path); a
 * refusal is audited before it is answered.
 */
public final class SmartHttp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SmartHttp.class);

    private final HttpServer server;
    private final ThreadPoolExecutor pool;
    private final byte[] secret;
    private final Map<String, RemoteGate> remotes;
    private final Consumer<GatewayAuditEntry> audit;

    private SmartHttp(HttpServer server, ThreadPoolExecutor pool, String secret, Map<String, RemoteGate> remotes,
                      Consumer<GatewayAuditEntry> audit) {
        this.server = server;
        this.pool = pool;
        this.secret = secret.getBytes(StandardCharsets.US_ASCII);
        this.remotes = Map.copyOf(remotes);
        this.audit = audit;
    }

    /**
     * @param slug the bottle (names the threads)
     * @param address where to listen
     * @param port the port, 0 for an ephemeral one
     * @param secret the bottle's secret
     * @param remotes the remotes by name
     * @param threads request threads
     * @param audit receives one entry per request
     * @return the listening server
     */
    public static SmartHttp start(String slug, String address, int port, String secret, Map<String, RemoteGate> remotes,
                                  int threads, Consumer<GatewayAuditEntry> audit) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(address, port), 64);
        } catch (BindException e) {
            throw new GateException("the git gate cannot listen on " + address + ":" + port + ": " + e.getMessage());
        } catch (IOException e) {
            throw new GateException("the git gate cannot listen on " + address + ":" + port + ": " + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(256), r -> {
                    Thread t = new Thread(r, "gitgate-" + slug + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        SmartHttp http = new SmartHttp(server, pool, secret, remotes, audit);
        server.createContext("/", http::handle);
        server.setExecutor(pool);
        server.start();
        return http;
    }

    /** @return the port listened on */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        long t0 = System.nanoTime();
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            String[] parts = path.split("/", 4);
            // "", secret, "<remote>.git", rest
            String action = action(ex, parts);
            String named = parts.length > 2 ? printable(parts[2].endsWith(".git")
                    ? parts[2].substring(0, parts[2].length() - 4) : parts[2]) : "-";
            if (parts.length < 4 || !MessageDigest.isEqual(parts[1].getBytes(StandardCharsets.US_ASCII), secret)) {
                audit.accept(GatewayAuditEntry.deny("gitgate", action, named, 401, "the request does not carry this"
                        + " bottle's gate secret"));
                text(ex, 401, "git gate: this gate belongs to another bottle; requests need its secret\n");
                return;
            }
            String repoName = parts[2].endsWith(".git") ? parts[2].substring(0, parts[2].length() - 4) : parts[2];
            RemoteGate remote = remotes.get(repoName);
            if (remote == null) {
                audit.accept(GatewayAuditEntry.deny("gitgate", action, named, 404, "no such remote in this bottle"));
                text(ex, 404, "git gate: no remote named '" + named + "' in this bottle; remotes: " + remotes.keySet()
                        + "\n");
                return;
            }
            String rest = parts[3];
            String query = ex.getRequestURI().getRawQuery();
            String method = ex.getRequestMethod();
            if (rest.equals("info/refs") && method.equals("GET")) {
                String service = query == null ? "" : query.replaceFirst("^.*service=([a-z-]+).*$", "$1");
                if (!service.equals("git-upload-pack") && !service.equals("git-receive-pack")) {
                    audit.accept(GatewayAuditEntry.deny("gitgate", action, named, 403, "not git's smart HTTP protocol"));
                } else {
                    audit.accept(GatewayAuditEntry.allow("gitgate", action, named, 200, service.equals("git-upload-pack")
                            ? "fetch: refreshing from upstream" : "push: advertising the bottle's refs"));
                }
                if (service.equals("git-upload-pack")) {
                    begin(ex, "application/x-git-upload-pack-advertisement");
                    try (OutputStream out = ex.getResponseBody()) {
                        remote.advertiseUploadPack(out);
                    }
                } else if (service.equals("git-receive-pack")) {
                    begin(ex, "application/x-git-receive-pack-advertisement");
                    try (OutputStream out = ex.getResponseBody()) {
                        remote.advertiseReceivePack(out);
                    }
                } else {
                    text(ex, 403, "git gate: only git's smart HTTP protocol is served\n");
                }
            } else if (rest.equals("git-upload-pack") && method.equals("POST")) {
                audit.accept(GatewayAuditEntry.allow("gitgate", action, named, 200, "fetch: sending objects"));
                begin(ex, "application/x-git-upload-pack-result");
                try (InputStream in = body(ex); OutputStream out = ex.getResponseBody()) {
                    remote.uploadPack(in, out);
                }
            } else if (rest.equals("git-receive-pack") && method.equals("POST")) {
                audit.accept(GatewayAuditEntry.allow("gitgate", action, named, 200,
                        "push: receiving (each ref is audited with its verdict)"));
                begin(ex, "application/x-git-receive-pack-result");
                try (InputStream in = body(ex); OutputStream out = ex.getResponseBody()) {
                    remote.receivePack(in, out);
                }
            } else {
                audit.accept(GatewayAuditEntry.deny("gitgate", action, named, 404, "not a git smart HTTP request"));
                text(ex, 404, "git gate: not a git smart HTTP request\n");
            }
        } catch (IOException | RuntimeException e) {
            // the client went away, or the protocol failed midway; the client sees the broken stream
            LOG.debug("git gate request failed: {}", e.toString());
        } finally {
            String p = ex.getRequestURI().getRawPath();
            LOG.debug("{} .../{} took {} ms", ex.getRequestMethod(), p.substring(p.lastIndexOf('/') + 1),
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /** @return what the request asks, for the audit: never the path (its first segment is the secret) */
    private static String action(HttpExchange ex, String[] parts) {
        String rest = parts.length > 3 ? parts[3] : "";
        String query = ex.getRequestURI().getRawQuery();
        if (rest.equals("info/refs") && query != null && query.contains("service=")) {
            return "info/refs " + printable(query.replaceFirst("^.*service=([A-Za-z-]*).*$", "$1"));
        }
        return ex.getRequestMethod().replaceAll("[^A-Z]", "?") + " " + (rest.matches("[A-Za-z/-]{0,40}") ? rest : "?");
    }

    /** @return the text cut to 64 characters, anything outside a remote name's characters shown as {@code ?} */
    static String printable(String text) {
        String t = text.length() > 64 ? text.substring(0, 64) : text;
        return t.isEmpty() ? "-" : t.replaceAll("[^A-Za-z0-9._-]", "?");
    }

    private static InputStream body(HttpExchange ex) throws IOException {
        String enc = ex.getRequestHeaders().getFirst("Content-Encoding");
        InputStream in = ex.getRequestBody();
        return enc != null && enc.toLowerCase(java.util.Locale.ROOT).contains("gzip") ? new GZIPInputStream(in, 65536) : in;
    }

    private static void begin(HttpExchange ex, String type) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-cache, max-age=0, must-revalidate");
        ex.sendResponseHeaders(200, 0);
    }

    private static void text(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
