package dev.botbottle.spi;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a backend needs to create one bottle; derived from the plan by the runtime.
 *
 * @param slug the bottle's unique name ({@code ^[a-z][a-z0-9-]*$}); backends name every object after it
 * @param agent the agent's name
 * @param image the image to start from
 * @param env literal environment the bottle is created with (no secrets: those are handed over at exec time)
 * @param labels extra labels for every object the backend creates (the backend adds its own)
 * @param limits resource limits
 * @param allowWeakIsolation whether the caller accepts running when the backend cannot fully isolate the
 *                           bottle from the host's services (e.g. no rights to install firewall rules)
 * @since 0.1
 */
public record BottleSpec(String slug, String agent, ImageSpec image, Map<String, String> env,
                         Map<String, String> labels, ResourceLimits limits, boolean allowWeakIsolation) {

    /** Slugs, agent and bottle names all follow this pattern. */
    public static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9-]*$");

    public BottleSpec {
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(limits, "limits");
        env = Map.copyOf(env);
        labels = Map.copyOf(labels);
        if (!NAME.matcher(slug).matches()) {
            throw new IllegalArgumentException("slug '" + slug + "' must match " + NAME.pattern());
        }
    }
}
