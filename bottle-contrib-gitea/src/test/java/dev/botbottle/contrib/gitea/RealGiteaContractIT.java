package dev.botbottle.contrib.gitea;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

/**
 * The contract against a real Gitea or Forgejo, when {@code GITEA_URL} and {@code GITEA_TOKEN} (scopes
 * {@code write:repository}, {@code write:user}) are set; skipped, saying so, otherwise (no Gitea can run on the
 * project's machines). Uses {@code GITEA_REPOSITORY} ({@code owner/name}) when set, else creates a private
 * repository for the run and deletes it afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealGiteaContractIT extends GiteaContract {

    private final String url = System.getenv("GITEA_URL");
    private final String token = System.getenv("GITEA_TOKEN");
    private String repository = System.getenv("GITEA_REPOSITORY");
    private boolean created;

    @BeforeAll
    void requireGitea() throws Exception {
        boolean configured = url != null && !url.isBlank() && token != null && !token.isBlank();
        if (!configured) {
            System.out.println("SKIPPED: RealGiteaContractIT needs GITEA_URL and GITEA_TOKEN (a real Gitea or"
                    + " Forgejo); none is configured, so only the GiteaDouble contract ran");
        }
        Assumptions.assumeTrue(configured, "GITEA_URL and GITEA_TOKEN are not set");
        if (repository == null || repository.isBlank()) {
            String name = "bot-bottle-contract-" + UUID.randomUUID().toString().substring(0, 8);
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(base() + "/api/v1/user/repos")).header("Authorization", "token " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"private\":true,"
                            + "\"auto_init\":true}")).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new AssertionError("could not create a test repository on " + base() + ": HTTP " + r.statusCode());
            }
            repository = new ObjectMapper().readTree(r.body()).path("full_name").asText();
            created = true;
        }
    }

    @AfterAll
    void removeRepository() throws Exception {
        if (created) {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + "/api/v1/repos/" + repository))
                    .header("Authorization", "token " + token).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        }
    }

    private String base() {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    String apiUrl() {
        return base();
    }

    @Override
    String token() {
        return token;
    }

    @Override
    String repository() {
        return repository;
    }
}
