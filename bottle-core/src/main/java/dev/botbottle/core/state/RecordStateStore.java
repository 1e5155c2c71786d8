package dev.botbottle.core.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.StateRecords;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * State kept in {@link StateRecords} another host can read (the Kubernetes backend's {@code ClusterStateRecords}):
 * a bottle's metadata, plan, preserve flag and named records (the ids of provisioned deploy keys, say) are records
 * ({@code metadata}, {@code plan}, {@code preserved}, {@code record-<name>}), so another host with access to them
 * lists the bottle, resumes it and revokes its keys. What must not leave this host (the gateway services' CA key,
 * proxy secret and audit, whatever they keep in {@link #directory}) stays in {@code <home>/state/<slug>/} as with
 * {@link DirectoryStateStore}; a host that resumes a bottle makes its own.
 * <pre>{@code
 * BottleRuntime runtime = BottleRuntime.builder()
 *         .stateStore(new RecordStateStore(home, ClusterStateRecords.connect(options)))
 *         .build();
 * }</pre>
 *
 * @since 0.3
 */
public final class RecordStateStore implements StateStore, AutoCloseable {

    static final String METADATA = "metadata";
    static final String PLAN = "plan";
    static final String PRESERVED = "preserved";
    static final String RECORD_PREFIX = "record-";

    private final DirectoryStateStore local;
    private final StateRecords records;

    /**
     * @param botBottleHome the bot-bottle home; what stays on this host goes in its {@code state/} folder
     * @param records where everything else goes
     */
    public RecordStateStore(Path botBottleHome, StateRecords records) {
        this.local = new DirectoryStateStore(botBottleHome);
        this.records = java.util.Objects.requireNonNull(records, "records");
    }

    /** @return this host's directory for the bottle (its gateway services' files), created if missing */
    @Override
    public Path directory(String slug) {
        return local.directory(slug);
    }

    @Override
    public void writeMetadata(BottleMetadata metadata) {
        try {
            records.write(DirectoryStateStore.checked(metadata.slug()), METADATA,
                    DirectoryStateStore.MAPPER.writeValueAsString(metadata));
        } catch (JsonProcessingException e) {
            throw new BottleException("cannot serialise metadata of " + metadata.slug() + ": " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public Optional<BottleMetadata> readMetadata(String slug) {
        Optional<String> json = records.read(DirectoryStateStore.checked(slug), METADATA);
        try {
            return json.isEmpty() ? Optional.empty()
                    : Optional.of(DirectoryStateStore.MAPPER.readValue(json.get(), BottleMetadata.class));
        } catch (JsonProcessingException e) {
            throw new BottleException("cannot read the metadata record of " + slug + ": " + e.getOriginalMessage()
                    + "; remove the bottle with `bottle rm " + slug + "` if it is stale", e);
        }
    }

    @Override
    public void writePlan(String slug, String planJson) {
        records.write(DirectoryStateStore.checked(slug), PLAN, planJson);
    }

    @Override
    public Optional<String> readPlan(String slug) {
        return records.read(DirectoryStateStore.checked(slug), PLAN);
    }

    @Override
    public void writeRecord(String slug, String name, String json) {
        DirectoryStateStore.recordFile(name);
        records.write(DirectoryStateStore.checked(slug), RECORD_PREFIX + name, json);
    }

    @Override
    public Optional<String> readRecord(String slug, String name) {
        DirectoryStateStore.recordFile(name);
        return records.read(DirectoryStateStore.checked(slug), RECORD_PREFIX + name);
    }

    @Override
    public boolean createRecord(String slug, String name, String json) {
        DirectoryStateStore.recordFile(name);
        return records.create(DirectoryStateStore.checked(slug), RECORD_PREFIX + name, json);
    }

    @Override
    public List<String> recordNames(String slug, String prefix) {
        String from = RECORD_PREFIX + prefix;
        return records.names(DirectoryStateStore.checked(slug)).stream().filter(n -> n.startsWith(from))
                .map(n -> n.substring(RECORD_PREFIX.length())).sorted().toList();
    }

    /** @return the slugs with records (on any host), sorted */
    @Override
    public List<String> slugs() {
        return records.slugs();
    }

    @Override
    public void setPreserved(String slug, boolean preserved) {
        if (preserved) {
            records.write(DirectoryStateStore.checked(slug), PRESERVED, "true");
        } else {
            records.remove(DirectoryStateStore.checked(slug), PRESERVED);
        }
    }

    @Override
    public boolean isPreserved(String slug) {
        return records.read(DirectoryStateStore.checked(slug), PRESERVED).isPresent();
    }

    /** Removes the bottle's records and this host's directory of it. */
    @Override
    public void delete(String slug) {
        records.delete(DirectoryStateStore.checked(slug));
        local.delete(slug);
    }

    /** Closes the records. */
    @Override
    public void close() {
        records.close();
    }
}
