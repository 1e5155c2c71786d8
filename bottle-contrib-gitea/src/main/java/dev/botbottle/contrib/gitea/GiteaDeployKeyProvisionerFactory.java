package dev.botbottle.contrib.gitea;

import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.CredentialException;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.DeployKeyProvisioner;
import dev.botbottle.spi.DeployKeyProvisionerFactory;
import dev.botbottle.spi.Secret;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Makes {@link GiteaDeployKeyProvisioner}s: the {@code gitea} provisioner of {@code provisioned_key}.
 *
 * <p>Settings: {@code api_url} (the Gitea base URL, {@code http} or {@code https}; the API is under
 * {@code /api/v1}), {@code repository} ({@code owner/name}) and {@code token_env} (the name of the host variable
 * holding an API token of a repository admin with scope {@code write:repository}). The token is resolved when the
 * provisioner is made and never appears in a message or a log.
 *
 * @since 0.1
 */
public final class GiteaDeployKeyProvisionerFactory implements DeployKeyProvisionerFactory {

    /** The provisioner's name in manifests. */
    public static final String NAME = "gitea";

    static final Set<String> SETTINGS = Set.of("api_url", "repository", "token_env");
    static final Pattern REPOSITORY = Pattern.compile("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DeployKeyProvisioner create(Map<String, String> settings, CredentialSource credentials) {
        Set<String> unknown = new TreeSet<>(settings.keySet());
        unknown.removeAll(SETTINGS);
        if (!unknown.isEmpty()) {
            throw new BottleException("provisioned_key (gitea): unknown setting(s) " + unknown + "; the gitea"
                    + " provisioner takes api_url, repository and token_env");
        }
        URI api = apiUrl(required(settings, "api_url", "the Gitea base URL, e.g. https://git.example.com"));
        String repository = required(settings, "repository", "owner/name of the repository");
        if (!REPOSITORY.matcher(repository).matches()) {
            throw new BottleException("provisioned_key (gitea): repository must be owner/name, got '" + repository + "'");
        }
        String tokenEnv = required(settings, "token_env", "the name of the host variable holding the Gitea API token");
        Secret token = credentials.resolve(tokenEnv).filter(s -> !s.isEmpty()).orElseThrow(() ->
                new CredentialException("provisioned_key (gitea): the host variable " + tokenEnv + " (token_env) is"
                        + " not set; export a Gitea API token with scope write:repository in it"));
        return new GiteaDeployKeyProvisioner(api, repository, token);
    }

    private static String required(Map<String, String> settings, String key, String what) {
        String v = settings.get(key);
        if (v == null || v.isBlank()) {
            throw new BottleException("provisioned_key (gitea): " + key + " is required (" + what + ")");
        }
        return v.strip();
    }

    private static URI apiUrl(String s) {
        try {
            URI u = new URI(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
            if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null
                    || u.getRawUserInfo() != null || u.getRawQuery() != null) {
                throw new URISyntaxException(s, "not an http(s) base URL");
            }
            return u;
        } catch (URISyntaxException e) {
            // never quote it: a URL may carry a credential
            throw new BottleException("provisioned_key (gitea): api_url must be an http(s) base URL such as"
                    + " https://git.example.com, without user info or query", e);
        }
    }
}
