package dev.botbottle.contrib.gitea;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.DeployKey;
import dev.botbottle.spi.DeployKeyProvisioner;
import dev.botbottle.spi.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Registers and deletes deploy keys of one Gitea repository through {@code /api/v1/repos/{owner}/{repo}/keys}:
 * POST (201), GET by id and list, DELETE (204; 404 also counts as gone). {@code read_only} is always sent (Gitea
 * defaults to read-write). A 422 is a collision or an invalid key, reported with Gitea's message; every other
 * failure carries the status and Gitea's message. The token is sent as {@code Authorization: token ...} and never
 * logged or quoted.
 */
final class GiteaDeployKeyProvisioner implements DeployKeyProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(GiteaDeployKeyProvisioner.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI api;
    private final String repository;
    private final Secret token;
    private final HttpClient http;

    GiteaDeployKeyProvisioner(URI api, String repository, Secret token) {
        this.api = api;
        this.repository = repository;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private URI keys(String suffix) {
        String[] p = repository.split("/", 2);
        return URI.create(api + "/api/v1/repos/" + enc(p[0]) + "/" + enc(p[1]) + "/keys" + suffix);
    }

    @Override
    public DeployKey create(String title, String publicKey, boolean readOnly) {
        ObjectNode body = JSON.createObjectNode().put("title", title).put("key", publicKey).put("read_only", readOnly);
        HttpResponse<String> r = send(request(keys("")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), "register a deploy key on");
        if (r.statusCode() == 201) {
            JsonNode k = json(r);
            String id = k.path("id").asText("");
            if (id.isEmpty()) {
                throw new BottleException("Gitea answered 201 without a key id when registering a deploy key on "
                        + repository);
            }
            LOG.info("registered deploy key {} ({}) on {}", id, k.path("fingerprint").asText("?"), repository);
            return new DeployKey(id, repository, k.path("title").asText(title), publicKey);
        }
        if (r.statusCode() == 422) {
            throw new BottleException("Gitea refused the deploy key '" + title + "' on " + repository + " (422): "
                    + message(r) + existing(title) + "; a key of a removed bottle can be deleted with `bottle cleanup`");
        }
        throw failure(r, "register a deploy key on");
    }

    /** For a collision: the id of a key already titled so, when Gitea lists one. */
    private String existing(String title) {
        try {
            HttpResponse<String> r = send(request(keys("?limit=50")).GET().build(), "list the deploy keys of");
            if (r.statusCode() == 200) {
                for (JsonNode k : json(r)) {
                    if (title.equals(k.path("title").asText())) {
                        return " (key " + k.path("id").asText() + " is already titled '" + title + "')";
                    }
                }
            }
        } catch (BottleException e) {
            LOG.debug("listing deploy keys of {} failed: {}", repository, e.getMessage());
        }
        return "";
    }

    /**
     * @param id a key id
     * @return whether Gitea still has that key on the repository (GET by id: 200 or 404)
     */
    boolean exists(String id) {
        HttpResponse<String> r = send(request(keys("/" + enc(id))).GET().build(), "look up a deploy key of");
        if (r.statusCode() == 200) {
            return true;
        }
        if (r.statusCode() == 404) {
            return false;
        }
        throw failure(r, "look up a deploy key of");
    }

    @Override
    public void delete(DeployKey key) {
        HttpResponse<String> r = send(request(keys("/" + enc(key.id()))).DELETE().build(), "delete a deploy key of");
        if (r.statusCode() == 204 || r.statusCode() == 404) {
            LOG.info("deleted deploy key {} of {} ({})", key.id(), repository, r.statusCode());
            return;
        }
        throw failure(r, "delete deploy key " + key.id() + " of");
    }

    private HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json")
                .header("Authorization", "token " + token.reveal());
    }

    private HttpResponse<String> send(HttpRequest request, String what) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BottleException("cannot reach Gitea at " + api + " to " + what + " " + repository + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BottleException("interrupted while asking Gitea to " + what + " " + repository, e);
        }
    }

    private BottleException failure(HttpResponse<String> r, String what) {
        String hint = switch (r.statusCode()) {
            case 401 -> "; the token is missing or invalid";
            case 403 -> "; the token needs scope write:repository and admin rights on the repository";
            case 404 -> "; the repository does not exist or the token cannot see it";
            default -> "";
        };
        return new BottleException("Gitea could not " + what + " " + repository + ": HTTP " + r.statusCode() + " "
                + message(r) + hint);
    }

    private static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new BottleException("Gitea answered " + r.statusCode() + " with a body that is not JSON");
        }
    }

    /** Gitea's {@code message}, shortened; never the request (it carried the token). */
    private String message(HttpResponse<String> r) {
        String m;
        try {
            m = JSON.readTree(r.body()).path("message").asText("");
        } catch (IOException e) {
            m = r.body();
        }
        m = m == null ? "" : m.replace(token.reveal(), "****").replaceAll("[\\r\\n]+", " ").strip();
        return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return "GiteaDeployKeyProvisioner[" + api + ", " + repository + "]";
    }
}
