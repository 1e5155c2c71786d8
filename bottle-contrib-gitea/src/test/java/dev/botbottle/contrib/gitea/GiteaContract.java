package dev.botbottle.contrib.gitea;

import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.CredentialException;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.DeployKey;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the provisioner must do against Gitea's deploy-key API; run against {@link GiteaDouble} always and against a
 * real Gitea when one is configured, so the double stays faithful.
 */
abstract class GiteaContract {

    /** @return the base URL of the Gitea under test */
    abstract String apiUrl();

    /** @return a token with write:repository and admin rights on {@link #repository()} */
    abstract String token();

    /** @return an existing repository, owner/name */
    abstract String repository();

    static String publicKey() {
        // a valid ed25519 public key, unique per call (the key data is 32 random bytes)
        byte[] raw = new byte[32];
        new java.security.SecureRandom().nextBytes(raw);
        byte[] type = "ssh-ed25519".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + type.length + 4 + 32);
        b.putInt(type.length).put(type).putInt(32).put(raw);
        return "ssh-ed25519 " + java.util.Base64.getEncoder().encodeToString(b.array()) + " contract-test";
    }

    GiteaDeployKeyProvisioner provisioner(String token) {
        return (GiteaDeployKeyProvisioner) new GiteaDeployKeyProvisionerFactory().create(
                Map.of("api_url", apiUrl(), "repository", repository(), "token_env", "GITEA_TEST_TOKEN"),
                CredentialSource.fromEnvironment(Map.of("GITEA_TEST_TOKEN", token)));
    }

    static String title() {
        return "contract-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aRegisteredKeyExistsUntilDeletedAndDeletingAgainIsFine() {
        GiteaDeployKeyProvisioner p = provisioner(token());
        DeployKey key = p.create(title(), publicKey(), false);
        assertThat(key.id()).isNotBlank();
        assertThat(key.repository()).isEqualTo(repository());
        assertThat(p.exists(key.id())).isTrue();
        p.delete(key);
        assertThat(p.exists(key.id())).isFalse();
        p.delete(key);
    }

    @Test
    void aSecondKeyWithTheSameTitleIsACollisionCarryingGiteasMessage() {
        GiteaDeployKeyProvisioner p = provisioner(token());
        String title = title();
        DeployKey first = p.create(title, publicKey(), false);
        try {
            assertThatThrownBy(() -> p.create(title, publicKey(), false))
                    .isInstanceOf(BottleException.class)
                    .hasMessageContaining("(422)")
                    .hasMessageContaining("A key with the same name already exists")
                    .hasMessageContaining("key " + first.id() + " is already titled");
        } finally {
            p.delete(first);
        }
    }

    @Test
    void aBadTokenIsRefusedWithTheStatusAndNeverQuoted() {
        String bad = "not-a-token-" + UUID.randomUUID();
        assertThatThrownBy(() -> provisioner(bad).create(title(), publicKey(), false))
                .isInstanceOf(BottleException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageNotContaining(bad)
                .hasMessageNotContaining(token());
    }

    @Test
    void aMissingTokenVariableIsACredentialErrorNamingIt() {
        assertThatThrownBy(() -> new GiteaDeployKeyProvisionerFactory().create(
                Map.of("api_url", apiUrl(), "repository", repository(), "token_env", "NO_SUCH_VAR"),
                CredentialSource.none()))
                .isInstanceOf(CredentialException.class)
                .hasMessageContaining("NO_SUCH_VAR");
    }

    @Test
    void anUnknownRepositoryIs404WithAHint() {
        GiteaDeployKeyProvisioner p = (GiteaDeployKeyProvisioner) new GiteaDeployKeyProvisionerFactory().create(
                Map.of("api_url", apiUrl(), "repository", "nobody-" + UUID.randomUUID().toString().substring(0, 6)
                        + "/nothing", "token_env", "T"), CredentialSource.fromEnvironment(Map.of("T", token())));
        assertThatThrownBy(() -> p.create(title(), publicKey(), false))
                .isInstanceOf(BottleException.class)
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining("does not exist");
    }
}
