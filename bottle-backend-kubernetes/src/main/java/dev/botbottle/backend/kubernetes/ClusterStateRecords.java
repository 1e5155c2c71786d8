package dev.botbottle.backend.kubernetes;

import dev.botbottle.spi.StateRecords;

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
 * <p>The SPI's {@link StateRecords}, so the runtime's {@code RecordStateStore} keeps a bottle's state in it:
 * {@code BottleRuntime.builder().stateStore(new RecordStateStore(home, ClusterStateRecords.connect(options)))}.
 * Nothing secret belongs here: ConfigMaps are readable by whoever may read the namespace (the runtime keeps the
 * gateway's keys in a directory of the host).
 *
 * @since 0.3
 */
public final class ClusterStateRecords implements StateRecords {

    private final dev.botbottle.backend.kubernetes.internal.StateRecords records;

    private ClusterStateRecords(dev.botbottle.backend.kubernetes.internal.StateRecords records) {
        this.records = records;
    }

    /**
     * @param options the backend options (for {@code kubernetes.namespace}); the cluster is the kubeconfig's
     * @return records in that namespace
     */
    public static ClusterStateRecords connect(Map<String, String> options) {
        return new ClusterStateRecords(dev.botbottle.backend.kubernetes.internal.StateRecords.connect(options));
    }

    /** @param records the implementation (tests) @return records on it */
    static ClusterStateRecords of(dev.botbottle.backend.kubernetes.internal.StateRecords records) {
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
    @Override
    public void write(String slug, String name, String text) {
        records.write(slug, name, text);
    }

    /** @param slug the bottle @param name the record @return its content, if written */
    @Override
    public Optional<String> read(String slug, String name) {
        return records.read(slug, name);
    }

    /**
     * Writes a record unless it exists; atomic across hosts (the ConfigMap's resource version).
     *
     * @param slug the bottle
     * @param name the record's name
     * @param text its content
     * @return whether this call wrote it
     */
    @Override
    public boolean create(String slug, String name, String text) {
        return records.create(slug, name, text);
    }

    /** @param slug the bottle @return its records' names, sorted */
    @Override
    public List<String> names(String slug) {
        return records.names(slug);
    }

    /** @param slug the bottle @param name the record; removes it (idempotent) */
    @Override
    public void remove(String slug, String name) {
        records.remove(slug, name);
    }

    /** @return the slugs with records, sorted */
    @Override
    public List<String> slugs() {
        return records.slugs();
    }

    /** @param slug the bottle; removes its records (idempotent) */
    @Override
    public void delete(String slug) {
        records.delete(slug);
    }

    /** Closes the API client. */
    @Override
    public void close() {
        records.close();
    }
}
