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
 * @see #builder(String, String, ImageSpec) the way to make one (ADR 11)
 */
public record BottleSpec(String slug, String agent, ImageSpec image, Map<String, String> env,
                         Map<String, String> labels, ResourceLimits limits, boolean allowWeakIsolation) {

    /**
     * The label the runtime puts in {@link #labels()} naming the host session that creates the bottle: its process id
     * and start time ({@code <pid>@<epoch millis>}), so objects a crashed host left are told apart from those of a
     * live one even after its process id was reused. Backends carry it on every object they make (containers,
     * networks, firewall chains).
     *
     * @since 0.2
     */
    public static final String SESSION_LABEL = "dev.botbottle.session";

    /**
     * The label the runtime puts in {@link #labels()} naming the bot-bottle home whose state describes the bottle.
     *
     * @since 0.2
     */
    public static final String HOME_LABEL = "dev.botbottle.home";

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

    /**
     * @param slug the bottle's unique name
     * @param agent the agent's name
     * @param image the image to start from
     * @return a builder: no env, no labels, no limits, full isolation required
     * @since 0.2
     */
    public static Builder builder(String slug, String agent, ImageSpec image) {
        return new Builder(slug, agent, image);
    }

    /** @return a builder holding this spec's values @since 0.2 */
    public Builder toBuilder() {
        return new Builder(slug, agent, image).env(env).labels(labels).limits(limits)
                .allowWeakIsolation(allowWeakIsolation);
    }

    /**
     * Makes a {@link BottleSpec}.
     *
     * @since 0.2
     */
    public static final class Builder {
        private final String slug;
        private final String agent;
        private final ImageSpec image;
        private Map<String, String> env = Map.of();
        private Map<String, String> labels = Map.of();
        private ResourceLimits limits = ResourceLimits.NONE;
        private boolean allowWeakIsolation;

        private Builder(String slug, String agent, ImageSpec image) {
            this.slug = slug;
            this.agent = agent;
            this.image = image;
        }

        /** @param value the bottle's literal, non-secret environment @return this builder */
        public Builder env(Map<String, String> value) {
            this.env = Map.copyOf(value);
            return this;
        }

        /** @param value extra labels for every object the backend creates @return this builder */
        public Builder labels(Map<String, String> value) {
            this.labels = Map.copyOf(value);
            return this;
        }

        /** @param value resource limits @return this builder */
        public Builder limits(ResourceLimits value) {
            this.limits = Objects.requireNonNull(value, "limits");
            return this;
        }

        /** @param value whether weaker host isolation is accepted @return this builder */
        public Builder allowWeakIsolation(boolean value) {
            this.allowWeakIsolation = value;
            return this;
        }

        /** @return the spec */
        public BottleSpec build() {
            return new BottleSpec(slug, agent, image, env, labels, limits, allowWeakIsolation);
        }
    }
}
