package dev.botbottle.core.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.state.StateStore;
import dev.botbottle.spi.Availability;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.DeployKey;
import dev.botbottle.spi.DeployKeyProvisioner;
import dev.botbottle.spi.DeployKeyProvisionerFactory;
import dev.botbottle.spi.GitRemote;
import dev.botbottle.spi.PluginException;
import dev.botbottle.spi.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The lifecycle of provisioned deploy keys: at prepare, an ed25519 key per {@code provisioned_key} remote,
 * generated here, its private half 0600 in the bottle's state directory (never in the bottle), its public half
 * registered through the remote's {@link DeployKeyProvisioner}; at teardown, after the bottle stopped, every
 * registered key deleted.
 *
 * <p>Each registered key's id is recorded in the state (record {@value #RECORD}) as soon as the forge answers, so a
 * key is never forgotten: a delete that fails leaves its entry, teardown fails, and a later teardown ({@code bottle
 * cleanup}) tries again.
 */
final class DeployKeys {

    static final String RECORD = "deploy-keys";
    private static final Logger LOG = LoggerFactory.getLogger(DeployKeys.class);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /** One registered key, as recorded in the state. */
    record Entry(String remote, String provider, Map<String, String> settings, String id, String repository,
                 String title, String publicKey) {
        DeployKey key() {
            return new DeployKey(id, repository, title, publicKey);
        }
    }

    private final Plugins plugins;
    private final StateStore state;
    private final ProgressListener progress;

    DeployKeys(Plugins plugins, StateStore state, ProgressListener progress) {
        this.plugins = plugins;
        this.state = state;
        this.progress = progress;
    }

    /** @return where the private key of {@code remote} lives in the bottle's state directory */
    static Path keyFile(Path stateDir, String remote) {
        return stateDir.resolve("deploy-keys").resolve(remote + ".key");
    }

    /** @return the plan's remotes as the git gate sees them: a provisioned key becomes the file of its key */
    static List<GitRemote> forGate(List<GitRemote> remotes, Path stateDir) {
        return remotes.stream().map(r -> r.provisionedKey().isPresent() ? r.toBuilder().identity(keyFile(stateDir, r.name())).build()
                : r).toList();
    }

    /**
     * Generates and registers a key for every remote of the plan with a {@code provisioned_key}. A failure leaves
     * the keys registered so far recorded, for {@link #revoke}.
     */
    void provision(String slug, List<GitRemote> remotes, CredentialSource credentials) {
        List<GitRemote> provisioned = remotes.stream().filter(r -> r.provisionedKey().isPresent()).toList();
        for (GitRemote remote : provisioned) {
            var spec = remote.provisionedKey().orElseThrow();
            DeployKeyProvisioner provisioner = provisioner(spec.provider(), spec.settings(), credentials, remote);
            String title = provisioned.size() == 1 ? slug : slug + "-" + remote.name();
            Ed25519KeyPair pair = Ed25519KeyPair.generate(title);
            writePrivateKey(keyFile(state.directory(slug), remote.name()), pair.privateKeyFile());
            progress.onProgress("deploy-key", "registering deploy key " + pair.fingerprint() + " for remote "
                    + remote.name() + " through " + spec.provider());
            DeployKey key = provisioner.create(title, pair.publicLine(), false);
            List<Entry> entries = new ArrayList<>(read(slug));
            entries.add(new Entry(remote.name(), spec.provider(), spec.settings(), key.id(), key.repository(),
                    key.title(), key.publicKey()));
            write(slug, entries);
            LOG.info("bottle {}: deploy key {} (id {}) registered on {} for remote {}", slug, pair.fingerprint(),
                    key.id(), key.repository(), remote.name());
        }
    }

    /**
     * Deletes every recorded key of the bottle; each one deleted leaves the record at once. Every key is tried; the
     * first failure is thrown at the end (the others suppressed in it).
     */
    void revoke(String slug, CredentialSource credentials) {
        List<Entry> remaining = new ArrayList<>(read(slug));
        if (remaining.isEmpty()) {
            return;
        }
        List<RuntimeException> failures = new ArrayList<>();
        for (Entry e : List.copyOf(remaining)) {
            try {
                provisioner(e.provider(), e.settings(), credentials, null).delete(e.key());
                remaining.remove(e);
                write(slug, remaining);
                Files.deleteIfExists(keyFile(state.directory(slug), e.remote()));
                progress.onProgress("deploy-key", "deleted deploy key " + e.id() + " of remote " + e.remote());
            } catch (RuntimeException | IOException ex) {
                LOG.error("bottle {}: deleting deploy key {} of remote {} on {} failed: {}", slug, e.id(), e.remote(),
                        e.repository(), ex.getMessage());
                failures.add(new BottleException("the deploy key " + e.id() + " of bottle " + slug + " (remote "
                        + e.remote() + ", " + e.repository() + ") could not be deleted: " + ex.getMessage()
                        + "; it stays recorded and `bottle cleanup` tries again", ex));
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    /** @return every recorded key of every bottle with state */
    List<PendingDeployKey> pending() {
        List<PendingDeployKey> out = new ArrayList<>();
        for (String slug : state.slugs()) {
            for (Entry e : read(slug)) {
                out.add(new PendingDeployKey(slug, e.remote(), e.provider(), e.repository(), e.id(), e.title()));
            }
        }
        return out;
    }

    private DeployKeyProvisioner provisioner(String name, Map<String, String> settings, CredentialSource credentials,
                                             GitRemote remote) {
        DeployKeyProvisionerFactory factory = plugins.deployKeys().all().get(name);
        if (factory == null) {
            throw new PluginException("no deploy-key provisioner named '" + name + "'" + (remote == null ? ""
                    : " (remote " + remote.name() + ")") + "; available: " + plugins.deployKeys().all().keySet()
                    + "; put its plugin (e.g. bottle-contrib-gitea) on the class path");
        }
        Availability a = factory.availability();
        if (!a.isAvailable()) {
            throw new PluginException("deploy-key provisioner '" + name + "' is not available: " + a.reason());
        }
        return factory.create(settings, credentials);
    }

    private List<Entry> read(String slug) {
        var json = state.readRecord(slug, RECORD);
        if (json.isEmpty()) {
            return List.of();
        }
        try {
            return JSON.readValue(json.get(), new TypeReference<List<Entry>>() { });
        } catch (JsonProcessingException e) {
            throw new BottleException("cannot read the deploy-key record of bottle " + slug + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    private void write(String slug, List<Entry> entries) {
        try {
            state.writeRecord(slug, RECORD, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(entries));
        } catch (JsonProcessingException e) {
            throw new BottleException("cannot write the deploy-key record of bottle " + slug, e);
        }
    }

    private static void writePrivateKey(Path file, String pem) {
        try {
            Files.createDirectories(file.getParent());
            Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("rwx------"));
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, pem, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            throw new BottleException("cannot write the deploy key " + file + ": " + e.getMessage(), e);
        }
    }
}
