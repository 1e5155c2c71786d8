package dev.botbottle.core.plugin;

import dev.botbottle.spi.PluginException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * The plugins of one kind, by name.
 *
 * <p>Explicitly registered instances win over discovered ones with the same name; two discovered plugins with the
 * same name are a problem naming both classes, and neither is used: asking for that name fails saying so (a host
 * that wants one registers it explicitly); a plugin jar that fails to load is recorded as a problem and does not
 * hide the others.
 *
 * @param <T> the plugin contract
 * @since 0.1
 */
public final class PluginRegistry<T> {

    private final String kind;
    private final Map<String, T> plugins;
    private final List<String> problems;
    private final Map<String, String> ambiguous;

    private PluginRegistry(String kind, Map<String, T> plugins, List<String> problems, Map<String, String> ambiguous) {
        this.kind = kind;
        this.plugins = Collections.unmodifiableMap(plugins);
        this.problems = List.copyOf(problems);
        this.ambiguous = Map.copyOf(ambiguous);
    }

    /**
     * Builds a registry from explicit instances and, optionally, {@link ServiceLoader} discovery.
     *
     * @param type the plugin contract
     * @param kind what the plugins are called in messages ("backend", "agent provider")
     * @param nameOf how to get a plugin's name
     * @param explicit instances the host registered; they win over discovered plugins of the same name
     * @param classLoader where to discover; {@code null} turns discovery off
     * @param <T> the plugin contract
     * @return the registry
     */
    public static <T> PluginRegistry<T> load(Class<T> type, String kind, Function<T, String> nameOf, List<T> explicit,
                                             ClassLoader classLoader) {
        Map<String, T> found = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        Map<String, String> ambiguous = new LinkedHashMap<>();
        for (T plugin : explicit) {
            String name = nameOf.apply(plugin);
            T previous = found.putIfAbsent(name, plugin);
            if (previous != null) {
                throw new PluginException("two " + kind + "s registered under the name '" + name + "': "
                        + previous.getClass().getName() + " and " + plugin.getClass().getName());
            }
        }
        if (classLoader != null) {
            Map<String, T> explicitNames = Map.copyOf(found);
            Iterator<T> it = ServiceLoader.load(type, classLoader).iterator();
            while (true) {
                T plugin;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    plugin = it.next();
                } catch (ServiceConfigurationError e) {
                    problems.add("a " + kind + " plugin could not be loaded: " + e.getMessage());
                    continue;
                }
                String name = nameOf.apply(plugin);
                if (explicitNames.containsKey(name)) {
                    continue;
                }
                if (ambiguous.containsKey(name)) {
                    ambiguous.put(name, ambiguous.get(name) + ", " + plugin.getClass().getName());
                    continue;
                }
                T previous = found.putIfAbsent(name, plugin);
                if (previous != null && previous.getClass() != plugin.getClass()) {
                    found.remove(name);
                    ambiguous.put(name, previous.getClass().getName() + " and " + plugin.getClass().getName());
                }
            }
        }
        ambiguous.forEach((name, classes) -> problems.add("two " + kind + "s claim the name '" + name + "': " + classes
                + "; neither is used until one jar is removed or the host registers one explicitly"));
        return new PluginRegistry<>(kind, found, problems, ambiguous);
    }

    /**
     * @param name the plugin's name
     * @return the plugin
     * @throws PluginException when no plugin has that name (the message lists the available ones), or two do
     */
    public T get(String name) {
        Objects.requireNonNull(name, "name");
        T plugin = plugins.get(name);
        if (ambiguous.containsKey(name)) {
            throw new PluginException("two " + kind + "s claim the name '" + name + "': " + ambiguous.get(name)
                    + "; remove one of their jars from the class path (or register the one you want explicitly with"
                    + " Plugins.builder() when embedding)");
        }
        if (plugin == null) {
            throw new PluginException("unknown " + kind + " '" + name + "'; available: "
                    + (plugins.isEmpty() ? "none (is the plugin jar on the class path?)" : String.join(", ", plugins.keySet()))
                    + (problems.isEmpty() ? "" : "; problems while loading plugins: " + String.join("; ", problems)));
        }
        return plugin;
    }

    /** @return every plugin by name, in discovery order */
    public Map<String, T> all() {
        return plugins;
    }

    /** @return problems met while discovering (broken jars, duplicate names) */
    public List<String> problems() {
        return problems;
    }
}
