package dev.botbottle.contrib.gitea;

import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.DeployKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract against {@link GiteaDouble}, plus what only the double can show (what was sent, failures). */
class GiteaDoubleContractTests extends GiteaContract {

    static final String TOKEN = "double-token-0123456789";
    private GiteaDouble gitea;
    private final List<String> authorized = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        gitea = GiteaDouble.start(TOKEN, new GiteaDouble.KeySink() {
            @Override
            public void added(String publicKey) {
                authorized.add(publicKey);
            }

            @Override
            public void removed(String publicKey) {
                authorized.remove(publicKey);
            }
        }).repository("acme/widgets");
    }

    @AfterEach
    void stop() {
        gitea.close();
    }

    @Override
    String apiUrl() {
        return gitea.url();
    }

    @Override
    String token() {
        return TOKEN;
    }

    @Override
    String repository() {
        return "acme/widgets";
    }

    @Test
    void theProvisionerIsFoundAsGitea() {
        assertThat(ServiceLoader.load(dev.botbottle.spi.DeployKeyProvisionerFactory.class).stream()
                .map(p -> p.get().name())).contains("gitea");
    }

    @Test
    void readOnlyIsAlwaysSentAndTheKeyTakesEffectOnlyWhileRegistered() {
        GiteaDeployKeyProvisioner p = provisioner(TOKEN);
        String pub = publicKey();
        DeployKey rw = p.create("bottle-rw", pub, false);
        DeployKey ro = p.create("bottle-ro", publicKey(), true);
        assertThat(gitea.keys()).extracting(GiteaDouble.Key::readOnlySent).containsOnly(true);
        assertThat(gitea.keys()).extracting(GiteaDouble.Key::readOnly).containsExactly(false, true);
        assertThat(authorized).hasSize(2).anySatisfy(k -> assertThat(pub).startsWith(k));
        p.delete(rw);
        p.delete(ro);
        assertThat(authorized).isEmpty();
        assertThat(gitea.requests()).contains("DELETE /api/v1/repos/acme/widgets/keys/" + rw.id() + " 204");
    }

    @Test
    void theSameKeyTwiceIsACollision() {
        GiteaDeployKeyProvisioner p = provisioner(TOKEN);
        String pub = publicKey();
        DeployKey first = p.create("one", pub, false);
        assertThatThrownBy(() -> p.create("two", pub, false)).isInstanceOf(BottleException.class)
                .hasMessageContaining("This key has already been added to this repository");
        p.delete(first);
    }

    @Test
    void aDeleteTheForgeCannotDoIsAnErrorWithTheStatus() {
        GiteaDeployKeyProvisioner p = provisioner(TOKEN);
        DeployKey key = p.create("down", publicKey(), false);
        gitea.failDeletesWith(503);
        assertThatThrownBy(() -> p.delete(key)).isInstanceOf(BottleException.class)
                .hasMessageContaining("HTTP 503").hasMessageContaining("the double is failing deletes")
                .hasMessageNotContaining(TOKEN);
        gitea.failDeletesWith(0);
        p.delete(key);
        assertThat(gitea.keys()).isEmpty();
    }

    @Test
    void incompleteSettingsNameTheMissingKey() {
        var f = new GiteaDeployKeyProvisionerFactory();
        var creds = CredentialSource.fromEnvironment(Map.of("T", TOKEN));
        assertThatThrownBy(() -> f.create(Map.of("repository", "a/b", "token_env", "T"), creds))
                .hasMessageContaining("api_url is required");
        assertThatThrownBy(() -> f.create(Map.of("api_url", gitea.url(), "repository", "nope", "token_env", "T"), creds))
                .hasMessageContaining("repository must be owner/name");
        assertThatThrownBy(() -> f.create(Map.of("api_url", "https://u:p@h.example", "repository", "a/b",
                "token_env", "T"), creds)).hasMessageContaining("without user info").hasMessageNotContaining("u:p");
        assertThatThrownBy(() -> f.create(Map.of("api_url", gitea.url(), "repository", "a/b", "token_env", "T",
                "tokn", "x"), creds)).hasMessageContaining("unknown setting(s) [tokn]");
    }
}
