package dev.botbottle.core.state;

import dev.botbottle.spi.StateRecords;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A DOUBLE of state records hosts share: one map, as a cluster's ConfigMaps are one place for every host (the test
 * kit's {@code InMemoryStateRecords} is the same for users; bottle-core's tests cannot depend on the test kit).
 */
public final class MapStateRecords implements StateRecords {

    /** The records, by slug then name. */
    public final Map<String, Map<String, String>> bySlug = new TreeMap<>();
    /** Whether {@link #close()} was called. */
    public boolean closed;

    @Override
    public synchronized void write(String slug, String name, String text) {
        bySlug.computeIfAbsent(slug, s -> new TreeMap<>()).put(name, text);
    }

    @Override
    public synchronized boolean create(String slug, String name, String text) {
        return bySlug.computeIfAbsent(slug, s -> new TreeMap<>()).putIfAbsent(name, text) == null;
    }

    @Override
    public synchronized List<String> names(String slug) {
        return List.copyOf(bySlug.getOrDefault(slug, Map.of()).keySet());
    }

    @Override
    public synchronized Optional<String> read(String slug, String name) {
        return Optional.ofNullable(bySlug.getOrDefault(slug, Map.of()).get(name));
    }

    @Override
    public synchronized void remove(String slug, String name) {
        bySlug.getOrDefault(slug, new TreeMap<>()).remove(name);
    }

    @Override
    public synchronized List<String> slugs() {
        return List.copyOf(bySlug.keySet());
    }

    @Override
    public synchronized void delete(String slug) {
        bySlug.remove(slug);
    }

    @Override
    public void close() {
        closed = true;
    }
}
