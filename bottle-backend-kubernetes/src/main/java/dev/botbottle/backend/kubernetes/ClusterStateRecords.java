package dev.botbottle.backend.kubernetes;

import dev.botbottle.backend.kubernetes.internal.StateRecords;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A bottle's state kept in the cluster instead of on one host's disk, so another host with the kubeconfig can
 * resume it: the records the runtime's {@code StateStore} writes ({@code metadata}, {@code plan}, {@code deploy-keys},
 * pending proposals), as text, one ConfigMap per bottle ({@code bb-<slug>-records}, labelled
 * {@code dev.botbottle.slug} and {@code dev.botbottle.state=true}). A backend teardown leaves them (state can outlive
 * a bottle, as {@code StateStore.setPreserved} wants); {@link #delete} removes them.
 *
 * <p>JDK types only, so a {@code StateStore} in a module that may depend on this one (the CLI, an embedding host)
 * delegates to it: {@code writeMetadata(m)} → {@code write(slug, "metadata", json)}, and so on. Nothing secret belongs
 * here: ConfigMaps are readable by whoever may read the namespace.
 *
 * @since 0.3
 */
public final class ClusterStateRecords implements AutoCloseable {

    private final StateRecords records;

    private ClusterStateRecords(StateRecords records) {
        this.records = records;
    }

    /**
     * @param options the backend options (for {@code kubernetes.namespace}); the cluster is the kubeconfig's
     * @return records in that namespace
     */
    public static ClusterStateRecords connect(Map<String, String> options) {
        return new ClusterStateRecords(StateRecords.connect(options));
    }

    /** @param records the implementation (tests) @return records on it */
    static ClusterStateRecords of(StateRecords records) {
        return new ClusterStateRecords(records);
    }

    /**
     * Writes one record, replacing it; the ConfigMap is made on the first write.
     *
     * @param slug the bottle
     * @param name the record's name, {@code ^[a-z][a-z0-9-]*$}
     * @param text its content
     * @throws dev.botbottle.spi.BackendException when the API refused, or the bottle's records pass the ConfigMap
     *                                            size limit (1 MiB)
     */
    public void write(String slug, String name, String text) {
        records.write(slug, name, text);
    }

    /** @param slug the bottle @param name the record @return its content, if written */
    public Optional<String> read(String slug, String name) {
        return records.read(slug, name);
    }

    /** @return the slugs with records, sorted */
    public List<String> slugs() {
        return records.slugs();
    }

    /** @param slug the bottle; removes its records (idempotent) */
    public void delete(String slug) {
        records.delete(slug);
    }

    /** Closes the API client. */
    @Override
    public void close() {
        records.close();
    }
}
