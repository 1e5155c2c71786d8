package dev.botbottle.contrib.gitea;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test double of Gitea's deploy-key API (not a Gitea): an HTTP server on loopback implementing exactly the routes
 * and status codes of {@code /api/v1/repos/{owner}/{repo}/keys} that reference/deploy-keys.md documents — token or
 * Bearer auth (401 without), 404 for an unknown repository, POST 201 with Gitea's JSON, 422 with Gitea's messages
 * for a missing field, invalid key content, a key or a title already on the repository, GET list (fingerprint
 * filter, {@code X-Total-Count}) and by id (404 when missing), DELETE 204 whether or not the key exists.
 *
 * <p>Registered keys are handed to a {@link KeySink} (e.g. an SSH server's authorized keys), so a test proves the
 * real effect with real SSH: access exactly while the key is registered.
 */
public final class GiteaDouble implements AutoCloseable {

    /** Where registered keys take effect. */
    public interface KeySink {
        /** @param publicKey an OpenSSH public key line now registered */
        void added(String publicKey) throws IOException;

        /** @param publicKey an OpenSSH public key line no longer registered */
        void removed(String publicKey) throws IOException;
    }

    /** One stored deploy key, and whether the request that made it sent {@code read_only} at all. */
    public record Key(long id, String repo, String title, String key, String fingerprint, boolean readOnly,
                      boolean readOnlySent) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern KEYS = Pattern.compile("^/api/v1/repos/([^/]+)/([^/]+)/keys(?:/([^/]+))?$");
    private static final Pattern KEY_CONTENT = Pattern.compile("^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\\d+)\\s+([A-Za-z0-9+/]+={0,3})(\\s.*)?$");

    private final HttpServer server;
    private final String token;
    private final KeySink sink;
    private final List<String> repos = new ArrayList<>();
    private final Map<Long, Key> keys = new LinkedHashMap<>();
    private final AtomicLong ids = new AtomicLong(100);
    private final List<String> log = new ArrayList<>();
    private volatile int failDeletesWith;

    private GiteaDouble(HttpServer server, String token, KeySink sink) {
        this.server = server;
        this.token = token;
        this.sink = sink;
    }

    /**
     * @param token the only API token accepted
     * @param sink where registered keys take effect
     * @return a running double on a loopback port
     */
    public static GiteaDouble start(String token, KeySink sink) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        GiteaDouble d = new GiteaDouble(server, token, sink);
        server.createContext("/", d::handle);
        server.start();
        return d;
    }

    /** @return the base URL ({@code api_url}) */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** @param ownerAndName a repository that exists on this double */
    public synchronized GiteaDouble repository(String ownerAndName) {
        repos.add(ownerAndName);
        return this;
    }

    /** @param status while non-zero, every DELETE answers this status (a forge that is down); 0 restores */
    public void failDeletesWith(int status) {
        this.failDeletesWith = status;
    }

    /** @return the keys registered now */
    public synchronized List<Key> keys() {
        return List.copyOf(keys.values());
    }

    /** @return one line per request: method, path and status */
    public synchronized List<String> requests() {
        return List.copyOf(log);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            int status;
            synchronized (this) {
                status = route(ex);
                log.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " " + status);
            }
        }
    }

    private int route(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !(auth.equals("token " + token) || auth.matches("(?i)^bearer " + Pattern.quote(token) + "$"))) {
            return send(ex, 401, message("token is required"));
        }
        Matcher m = KEYS.matcher(ex.getRequestURI().getPath());
        if (!m.matches()) {
            return send(ex, 404, message("not found"));
        }
        String repo = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8) + "/"
                + URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
        if (!repos.contains(repo)) {
            return send(ex, 404, message("The target couldn't be found."));
        }
        String id = m.group(3);
        String method = ex.getRequestMethod();
        if (id == null && method.equals("POST")) {
            return create(ex, repo);
        }
        if (id == null && method.equals("GET")) {
            return list(ex, repo);
        }
        if (id != null && method.equals("GET")) {
            Key k = find(repo, id);
            return k == null ? send(ex, 404, message("The target couldn't be found.")) : send(ex, 200, json(k));
        }
        if (id != null && method.equals("DELETE")) {
            if (failDeletesWith != 0) {
                return send(ex, failDeletesWith, message("the double is failing deletes"));
            }
            Key k = find(repo, id);
            if (k != null) {
                keys.remove(k.id());
                sink.removed(k.key());
            }
            return send(ex, 204, null);
        }
        return send(ex, 405, message("method not allowed"));
    }

    private int create(HttpExchange ex, String repo) throws IOException {
        JsonNode body = JSON.readTree(ex.getRequestBody());
        String title = body.path("title").asText("");
        String key = body.path("key").asText("").strip();
        if (title.isEmpty() || key.isEmpty()) {
            return send(ex, 422, message("[" + (title.isEmpty() ? "Title" : "Key") + "]: Required"));
        }
        Matcher km = KEY_CONTENT.matcher(key);
        if (!km.matches()) {
            return send(ex, 422, message("Invalid key content: no key found"));
        }
        String fp = fingerprint(km.group(2));
        for (Key k : keys.values()) {
            if (k.repo().equals(repo) && k.fingerprint().equals(fp)) {
                return send(ex, 422, message("This key has already been added to this repository"));
            }
            if (k.repo().equals(repo) && k.title().equals(title)) {
                return send(ex, 422, message("A key with the same name already exists"));
            }
        }
        Key k = new Key(ids.incrementAndGet(), repo, title, km.group(1) + " " + km.group(2), fp,
                body.path("read_only").asBoolean(false), body.has("read_only"));
        keys.put(k.id(), k);
        sink.added(k.key());
        return send(ex, 201, json(k));
    }

    private int list(HttpExchange ex, String repo) throws IOException {
        String query = ex.getRequestURI().getQuery();
        String fp = null;
        if (query != null) {
            for (String p : query.split("&")) {
                if (p.startsWith("fingerprint=")) {
                    fp = URLDecoder.decode(p.substring("fingerprint=".length()), StandardCharsets.UTF_8);
                }
            }
        }
        ArrayNode out = JSON.createArrayNode();
        for (Key k : keys.values()) {
            if (k.repo().equals(repo) && (fp == null || fp.equals(k.fingerprint()))) {
                out.add(json(k));
            }
        }
        ex.getResponseHeaders().set("X-Total-Count", String.valueOf(out.size()));
        return send(ex, 200, out);
    }

    private Key find(String repo, String id) {
        try {
            Key k = keys.get(Long.parseLong(id));
            return k != null && k.repo().equals(repo) ? k : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private ObjectNode json(Key k) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", k.id()).put("key_id", k.id() + 1000).put("key", k.key())
                .put("url", url() + "/api/v1/repos/" + k.repo() + "/keys/" + k.id()).put("title", k.title())
                .put("fingerprint", k.fingerprint()).put("created_at", Instant.now().toString())
                .put("read_only", k.readOnly());
        return n;
    }

    private static ObjectNode message(String text) {
        return JSON.createObjectNode().put("message", text).put("url", "https://docs.gitea.com/api");
    }

    private static String fingerprint(String base64) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(base64));
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(d);
        } catch (Exception e) {
            return "invalid";
        }
    }

    private static int send(HttpExchange ex, int status, JsonNode body) throws IOException {
        if (body == null) {
            ex.sendResponseHeaders(status, -1);
            return status;
        }
        byte[] b = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
        return status;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
