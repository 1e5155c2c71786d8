package dev.botbottle.core.state;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where bottle state lives between processes. The first implementation is {@link DirectoryStateStore}; others
 * (a database, a cluster's store) can replace it without the runtime noticing.
 *
 * @since 0.1
 */
public interface StateStore {

    /** @param slug the bottle @return its private directory (created if missing, mode 0700) */
    Path directory(String slug);

    /** @param metadata written atomically (temp file + rename) */
    void writeMetadata(BottleMetadata metadata);

    /** @param slug the bottle @return its metadata, if it has state */
    Optional<BottleMetadata> readMetadata(String slug);

    /** @param slug the bottle @param planJson the plan, written atomically */
    void writePlan(String slug, String planJson);

    /** @param slug the bottle @return the saved plan's JSON */
    Optional<String> readPlan(String slug);

    /**
     * Writes a named record of a bottle (e.g. {@code deploy-keys}: the ids of provisioned keys to revoke),
     * atomically; it lives as long as the bottle's state.
     *
     * @param slug the bottle
     * @param name the record's name, {@code ^[a-z][a-z0-9-]*$}
     * @param json its content
     */
    void writeRecord(String slug, String name, String json);

    /** @param slug the bottle @param name the record's name @return the record, if written */
    Optional<String> readRecord(String slug, String name);

    /**
     * Writes a named record unless one of that name exists; the first writer wins, across processes (and hosts, for
     * a store they share). Proposals, their answers and their done records are written so. The default reads, then
     * writes, which is not atomic: a store that other processes write overrides it.
     *
     * @param slug the bottle
     * @param name the record's name, {@code ^[a-z][a-z0-9-]*$}
     * @param json its content
     * @return whether this call wrote it (false: it existed)
     * @since 0.3
     */
    default boolean createRecord(String slug, String name, String json) {
        if (readRecord(slug, name).isPresent()) {
            return false;
        }
        writeRecord(slug, name, json);
        return true;
    }

    /**
     * Lists record names; supervise needs it (its proposals and answers are records). The default cannot list a
     * store it does not know and refuses, so a store without it fails a supervised launch with this message instead
     * of losing its proposals.
     *
     * @param slug the bottle
     * @param prefix what the names start with ({@code ""} for every record)
     * @return the names of the bottle's records starting with it, sorted
     * @throws dev.botbottle.spi.BottleException from the default: this store lists no records
     * @since 0.3
     */
    default List<String> recordNames(String slug, String prefix) {
        throw new dev.botbottle.spi.BottleException("the state store " + getClass().getName() + " lists no record"
                + " names, which supervise needs for its proposals: override StateStore.recordNames and createRecord,"
                + " or use DirectoryStateStore or RecordStateStore");
    }

    /** @return the slugs that have state, sorted */
    List<String> slugs();

    /** @param slug the bottle @param preserved whether teardown keeps its state */
    void setPreserved(String slug, boolean preserved);

    /** @param slug the bottle @return whether teardown keeps its state */
    boolean isPreserved(String slug);

    /** @param slug the bottle; removes all its state (idempotent) */
    void delete(String slug);
}
