package dev.botbottle.core.runtime;

import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.state.DirectoryStateStore;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.DeployKey;
import dev.botbottle.spi.DeployKeyProvisioner;
import dev.botbottle.spi.DeployKeyProvisionerFactory;
import dev.botbottle.spi.GitRemote;
import dev.botbottle.spi.PluginException;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.ProvisionedKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeployKeysTests {

    static final String HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

    @TempDir
    Path home;

    /** A forge double recording what it was asked; deletes fail while {@link #failDeletes} is set. */
    static final class RecordingForge implements DeployKeyProvisionerFactory {
        final List<String> created = new ArrayList<>();
        final List<String> deleted = new ArrayList<>();
        boolean failDeletes;

        @Override
        public String name() {
            return "forge";
        }

        @Override
        public DeployKeyProvisioner create(Map<String, String> settings, CredentialSource credentials) {
            String repo = settings.get("repository");
            return new DeployKeyProvisioner() {
                @Override
                public DeployKey create(String title, String publicKey, boolean readOnly) {
                    created.add(title + " " + publicKey);
                    return new DeployKey(String.valueOf(created.size()), repo, title, publicKey);
                }

                @Override
                public void delete(DeployKey key) {
                    if (failDeletes) {
                        throw new BottleException("forge unreachable");
                    }
                    deleted.add(key.id());
                }
            };
        }
    }

    private RecordingForge forge;
    private DirectoryStateStore state;
    private DeployKeys keys;

    @BeforeEach
    void setUp() {
        forge = new RecordingForge();
        state = new DirectoryStateStore(home);
        keys = new DeployKeys(Plugins.builder().discovery(false).deployKey(forge).build(), state, ProgressListener.NONE);
    }

    static GitRemote provisioned(String name) {
        return new GitRemote(name, "git@h.example:o/" + name + ".git", Optional.empty(),
                Optional.of(new ProvisionedKeySpec("forge", Map.of("repository", "o/" + name))), HOST_KEY);
    }

    @Test
    void eachProvisionedRemoteGetsItsOwnKeyRegisteredAndAPrivateKeyOnlyTheHostCanRead() throws Exception {
        GitRemote staticRemote = new GitRemote("s", "git@h.example:o/s.git", Optional.of(Path.of("/k")),
                Optional.empty(), HOST_KEY);
        keys.provision("b-1", List.of(provisioned("a"), provisioned("c"), staticRemote), CredentialSource.none());

        assertThat(forge.created).hasSize(2).allMatch(c -> c.contains(" ssh-ed25519 AAAA"));
        assertThat(forge.created.get(0)).startsWith("b-1-a ");
        Path key = DeployKeys.keyFile(state.directory("b-1"), "a");
        assertThat(Files.readString(key)).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(keys.pending()).extracting(PendingDeployKey::remote, PendingDeployKey::repository)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", "o/a"),
                        org.assertj.core.groups.Tuple.tuple("c", "o/c"));
        assertThat(DeployKeys.forGate(List.of(provisioned("a"), staticRemote), state.directory("b-1")))
                .extracting(r -> r.identity().orElseThrow()).containsExactly(key, Path.of("/k"));
    }

    @Test
    void aSingleRemotesKeyIsTitledWithTheSlug() {
        keys.provision("b-1", List.of(provisioned("a")), CredentialSource.none());
        assertThat(forge.created.get(0)).startsWith("b-1 ssh-ed25519 ");
    }

    @Test
    void revokeDeletesEveryKeyAndForgetsThem() {
        keys.provision("b-1", List.of(provisioned("a"), provisioned("c")), CredentialSource.none());
        keys.revoke("b-1", CredentialSource.none());
        assertThat(forge.deleted).containsExactly("1", "2");
        assertThat(keys.pending()).isEmpty();
        assertThat(DeployKeys.keyFile(state.directory("b-1"), "a")).doesNotExist();
        keys.revoke("b-1", CredentialSource.none());
        assertThat(forge.deleted).hasSize(2);
    }

    @Test
    void aFailedDeleteFailsLoudlyAndKeepsTheKeyRecordedForTheNextTry() {
        keys.provision("b-1", List.of(provisioned("a")), CredentialSource.none());
        forge.failDeletes = true;
        assertThatThrownBy(() -> keys.revoke("b-1", CredentialSource.none()))
                .isInstanceOf(BottleException.class)
                .hasMessageContaining("deploy key 1 of bottle b-1")
                .hasMessageContaining("forge unreachable")
                .hasMessageContaining("bottle cleanup");
        assertThat(keys.pending()).singleElement().satisfies(p -> assertThat(p.id()).isEqualTo("1"));
        forge.failDeletes = false;
        keys.revoke("b-1", CredentialSource.none());
        assertThat(forge.deleted).containsExactly("1");
        assertThat(keys.pending()).isEmpty();
    }

    @Test
    void anUnknownProvisionerNamesTheOnesAvailable() {
        GitRemote r = new GitRemote("a", "git@h.example:o/a.git", Optional.empty(),
                Optional.of(new ProvisionedKeySpec("gitlab", Map.of())), HOST_KEY);
        assertThatThrownBy(() -> keys.provision("b-1", List.of(r), CredentialSource.none()))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("no deploy-key provisioner named 'gitlab' (remote a); available: [forge]");
    }
}
