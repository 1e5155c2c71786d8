package dev.botbottle.egress.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** A small bounded cache, least recently used out first. Thread-safe (one lock; values are cheap to look up). */
final class LruCache<K, V> {

    private final Map<K, V> map;

    LruCache(int max) {
        this.map = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        };
    }

    synchronized V get(K key, Function<K, V> make) {
        V v = map.get(key);
        if (v == null) {
            v = make.apply(key);
            map.put(key, v);
        }
        return v;
    }

    synchronized boolean contains(K key) {
        return map.containsKey(key);
    }

    synchronized int size() {
        return map.size();
    }
}
