package dev.botbottle.backend.kubernetes.internal;

import dev.botbottle.spi.BackendException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The ConfigMaps behind {@code ClusterStateRecords}. */
public final class StateRecords implements AutoCloseable {

    /** Label marking a bottle's state records (not one of its objects: teardown leaves them). */
    public static final String STATE_LABEL = "dev.botbottle.state";
    /** A ConfigMap holds at most 1 MiB; a little is kept for the metadata. */
    static final int MAX_BYTES = 1024 * 1024 - 16 * 1024;
    private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9-]*$");

    private final KubernetesClient client;
    private final String namespace;
    private final boolean ownsClient;

    /**
     * @param client the API client
     * @param namespace where the records are
     * @param ownsClient whether {@link #close()} closes the client
     */
    public StateRecords(KubernetesClient client, String namespace, boolean ownsClient) {
        this.client = client;
        this.namespace = namespace;
        this.ownsClient = ownsClient;
    }

    /** @param options backend options @return records in the options' namespace of the kubeconfig's cluster */
    public static StateRecords connect(Map<String, String> options) {
        KubernetesClient client = new KubernetesClientBuilder().build();
        Options o = Options.from(options, Optional.ofNullable(client.getNamespace()));
        return new StateRecords(client, o.namespace(), true);
    }

    /** @param slug the bottle @return its records' ConfigMap name */
    public static String mapName(String slug) {
        return "bb-" + slug + "-records";
    }

    /** @param slug the bottle @param name the record @param text its content */
    public void write(String slug, String name, String text) {
        put(slug, name, text, false);
    }

    /**
     * Writes a record unless it exists. The ConfigMap's resource version makes it atomic across hosts: a write
     * based on a version another host changed meanwhile is refused by the API server (409), and this one reads again.
     *
     * @param slug the bottle @param name the record @param text its content @return whether this call wrote it
     */
    public boolean create(String slug, String name, String text) {
        return put(slug, name, text, true);
    }

    private boolean put(String slug, String name, String text, boolean onlyIfAbsent) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("record name '" + name + "' must match " + NAME.pattern());
        }
        Names.checkSlug(slug);
        return retrying("write", slug, name, () -> putOnce(slug, name, text, onlyIfAbsent));
    }

    /** Runs a read-modify-write of the bottle's ConfigMap, again when another host changed it meanwhile (409). */
    private <T> T retrying(String what, String slug, String name, java.util.function.Supplier<T> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                return change.get();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 5) {
                    throw new BackendException("could not " + what + " state record " + name + " of bottle " + slug
                            + " in ConfigMap " + namespace + "/" + mapName(slug) + ": " + e.getMessage(), e);
                }
                // another host changed the ConfigMap since it was read: read it again
            }
        }
    }

    private boolean putOnce(String slug, String name, String text, boolean onlyIfAbsent) {
        ConfigMap existing = client.configMaps().inNamespace(namespace).withName(mapName(slug)).get();
        Map<String, String> data = new TreeMap<>(existing == null || existing.getData() == null ? Map.of()
                : existing.getData());
        if (onlyIfAbsent && data.containsKey(name)) {
            return false;
        }
        data.put(name, text);
        long size = data.entrySet().stream().mapToLong(e -> e.getKey().length()
                + e.getValue().getBytes(StandardCharsets.UTF_8).length).sum();
        if (size > MAX_BYTES) {
            throw new BackendException("the state records of bottle " + slug + " would hold " + size + " bytes; a "
                    + "ConfigMap holds at most " + MAX_BYTES + " (record '" + name + "' is too large for the "
                    + "cluster state store)");
        }
        ConfigMap map = new ConfigMapBuilder().withNewMetadata().withName(mapName(slug)).withNamespace(namespace)
                .addToLabels(Names.SLUG_LABEL, slug).addToLabels(STATE_LABEL, "true").endMetadata()
                .withData(data).build();
        if (existing == null) {
            client.configMaps().inNamespace(namespace).resource(map).create();
        } else {
            map.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
            client.configMaps().inNamespace(namespace).resource(map).update();
        }
        return true;
    }

    /** @param slug the bottle @return the names of its records, sorted */
    public List<String> names(String slug) {
        ConfigMap map = client.configMaps().inNamespace(namespace).withName(mapName(slug)).get();
        return map == null || map.getData() == null ? List.of() : map.getData().keySet().stream().sorted().toList();
    }

    /** @param slug the bottle @param name the record @return its content */
    public Optional<String> read(String slug, String name) {
        ConfigMap map = client.configMaps().inNamespace(namespace).withName(mapName(slug)).get();
        return Optional.ofNullable(map).map(ConfigMap::getData).map(d -> d.get(name));
    }

    /** @param slug the bottle @param name the record; removes it (idempotent) */
    public void remove(String slug, String name) {
        Names.checkSlug(slug);
        retrying("remove", slug, name, () -> {
            ConfigMap existing = client.configMaps().inNamespace(namespace).withName(mapName(slug)).get();
            if (existing != null && existing.getData() != null && existing.getData().remove(name) != null) {
                client.configMaps().inNamespace(namespace).resource(existing).update();
            }
            return null;
        });
    }

    /** @return the slugs with records, sorted */
    public List<String> slugs() {
        return client.configMaps().inNamespace(namespace).withLabel(STATE_LABEL, "true").list().getItems().stream()
                .map(m -> m.getMetadata().getLabels().get(Names.SLUG_LABEL)).filter(s -> s != null).sorted().toList();
    }

    /** @param slug the bottle; removes its records */
    public void delete(String slug) {
        client.configMaps().inNamespace(namespace).withName(mapName(slug)).delete();
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
