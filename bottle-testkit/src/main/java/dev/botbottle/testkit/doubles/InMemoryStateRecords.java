package dev.botbottle.testkit.doubles;

import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.StateRecords;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * State records kept in this JVM's memory (a test double of a store hosts share, such as the Kubernetes backend's
 * {@code ClusterStateRecords}): two runtimes with separate homes over one instance act as two hosts over one
 * cluster. Create-if-absent is atomic, as the real stores make it.
 *
 * <pre>{@code
 * InMemoryStateRecords shared = new InMemoryStateRecords();
 * BottleRuntime hostA = BottleRuntime.builder().home(homeA).stateStore(new RecordStateStore(homeA, shared)).build();
 * BottleRuntime hostB = BottleRuntime.builder().home(homeB).stateStore(new RecordStateStore(homeB, shared)).build();
 * }</pre>
 *
 * @since 0.3
 */
public final class InMemoryStateRecords implements StateRecords {

    private final Map<String, Map<String, String>> bySlug = new TreeMap<>();

    @Override
    public synchronized void write(String slug, String name, String text) {
        bottle(slug, name).put(name, text);
    }

    @Override
    public synchronized boolean create(String slug, String name, String text) {
        return bottle(slug, name).putIfAbsent(name, text) == null;
    }

    @Override
    public synchronized Optional<String> read(String slug, String name) {
        return Optional.ofNullable(bySlug.getOrDefault(slug, Map.of()).get(name));
    }

    @Override
    public synchronized void remove(String slug, String name) {
        Map<String, String> records = bySlug.get(slug);
        if (records != null) {
            records.remove(name);
        }
    }

    @Override
    public synchronized List<String> names(String slug) {
        return List.copyOf(bySlug.getOrDefault(slug, Map.of()).keySet());
    }

    @Override
    public synchronized List<String> slugs() {
        return List.copyOf(bySlug.keySet());
    }

    @Override
    public synchronized void delete(String slug) {
        bySlug.remove(slug);
    }

    private Map<String, String> bottle(String slug, String name) {
        if (!BottleSpec.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("record name '" + name + "' must match " + BottleSpec.NAME.pattern());
        }
        return bySlug.computeIfAbsent(slug, s -> new TreeMap<>());
    }
}
