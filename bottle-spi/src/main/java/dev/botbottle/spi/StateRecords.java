package dev.botbottle.spi;

import java.util.List;
import java.util.Optional;

/**
 * Named text records of bottles, kept somewhere other hosts can read them (a cluster's API, a database), so a bottle
 * launched on one host can be listed, resumed and removed from another. The runtime's state store keeps a bottle's
 * metadata, plan, preserve flag and named records (the ids of provisioned deploy keys, say) in them; what must stay
 * on one host (the gateway's CA key and secrets) it keeps in a local directory, never here. Nothing secret is written
 * to records: whoever may read where they live reads them.
 * <p>
 * A backend offers records where it has such a place (the Kubernetes backend's {@code ClusterStateRecords}: one
 * ConfigMap per bottle); an embedding application may implement it over its own store. Implementations are
 * thread-safe; a write replaces the record whole.
 *
 * @since 0.3
 */
public interface StateRecords extends AutoCloseable {

    /**
     * Writes one record, replacing it.
     *
     * @param slug the bottle
     * @param name the record's name, {@code ^[a-z][a-z0-9-]*$}
     * @param text its content
     * @throws BackendException when the store refused it (its message names the store and the limit)
     */
    void write(String slug, String name, String text);

    /**
     * Writes one record unless one of that name exists, atomically where several hosts write: of two hosts creating
     * the same record, one succeeds and the other is told so (a proposal's answer is decided once).
     *
     * @param slug the bottle
     * @param name the record's name, {@code ^[a-z][a-z0-9-]*$}
     * @param text its content
     * @return whether this call wrote it (false: it existed)
     * @throws BackendException when the store refused it
     */
    boolean create(String slug, String name, String text);

    /**
     * @param slug the bottle
     * @param name the record's name
     * @return its content, if written
     */
    Optional<String> read(String slug, String name);

    /**
     * Removes one record (idempotent).
     *
     * @param slug the bottle
     * @param name the record's name
     */
    void remove(String slug, String name);

    /** @param slug the bottle @return the names of its records, sorted */
    List<String> names(String slug);

    /** @return the slugs that have records, sorted */
    List<String> slugs();

    /** @param slug the bottle; removes all its records (idempotent) */
    void delete(String slug);

    /** Releases what the records hold open (an API client); the default holds nothing. */
    @Override
    default void close() {
    }
}
