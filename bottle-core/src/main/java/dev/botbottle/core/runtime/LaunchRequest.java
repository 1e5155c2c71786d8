package dev.botbottle.core.runtime;

import dev.botbottle.core.manifest.Manifest;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What to launch: an agent of a manifest, on a backend, with the choices a launch makes beyond the plan. The input of
 * {@link BottleRuntime#launch(LaunchRequest)} and {@link BottleRuntime#plan(LaunchRequest)}.
 *
 * <pre>{@code
 * LaunchRequest request = LaunchRequest.builder(Manifest.load(home), "reviewer")
 *         .workspace(Path.of("."))
 *         .build();
 * }</pre>
 *
 * @param manifest the bottles and agents (loaded from a folder with {@link Manifest#load}, or built in code)
 * @param agent the agent to launch
 * @param backend the backend to run on
 * @param label the slug to give the bottle; empty for {@code <agent>-<5 random characters>}
 * @param defaultTemplate the agent provider of a bottle whose {@code agent_provider} names none; empty to require one
 * @param options workspace, host CA trust, isolation
 * @since 0.2
 * @see #builder(Manifest, String) the way to make one (ADR 11)
 */
public record LaunchRequest(Manifest manifest, String agent, String backend, Optional<String> label,
                            Optional<String> defaultTemplate, LaunchOptions options) {

    /** The backend a request uses unless told otherwise. */
    public static final String DEFAULT_BACKEND = "docker";

    public LaunchRequest {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(defaultTemplate, "defaultTemplate");
        Objects.requireNonNull(options, "options");
    }

    /**
     * @param manifest the bottles and agents
     * @param agent the agent to launch
     * @return a request for {@code agent} on {@value #DEFAULT_BACKEND}, with a generated slug and {@link
     *         LaunchOptions#DEFAULTS}
     */
    public static LaunchRequest of(Manifest manifest, String agent) {
        return builder(manifest, agent).build();
    }

    /**
     * @param manifest the bottles and agents
     * @param agent the agent to launch
     * @return a builder: backend {@value #DEFAULT_BACKEND}, a generated slug, no default template, no workspace, full
     *         isolation required
     */
    public static Builder builder(Manifest manifest, String agent) {
        return new Builder(manifest, agent);
    }

    /** @return a builder holding this request's values */
    public Builder toBuilder() {
        Builder b = new Builder(manifest, agent).backend(backend).trustHostCa(options.trustHostCa())
                .allowWeakIsolation(options.allowWeakIsolation());
        label.ifPresent(b::label);
        defaultTemplate.ifPresent(b::defaultTemplate);
        options.workspace().ifPresent(b::workspace);
        return b;
    }

    /** Makes a {@link LaunchRequest}. */
    public static final class Builder {
        private final Manifest manifest;
        private final String agent;
        private String backend = DEFAULT_BACKEND;
        private String label;
        private String defaultTemplate;
        private Path workspace;
        private boolean trustHostCa;
        private boolean allowWeakIsolation;

        private Builder(Manifest manifest, String agent) {
            this.manifest = Objects.requireNonNull(manifest, "manifest");
            this.agent = Objects.requireNonNull(agent, "agent");
        }

        /** @param value the backend, e.g. {@code docker} or {@code smolvm} @return this builder */
        public Builder backend(String value) {
            this.backend = Objects.requireNonNull(value, "backend");
            return this;
        }

        /** @param value the bottle's slug ({@code ^[a-z][a-z0-9-]*$}) @return this builder */
        public Builder label(String value) {
            this.label = Objects.requireNonNull(value, "label");
            return this;
        }

        /** @param value the template of bottles that name none, e.g. {@code claude} @return this builder */
        public Builder defaultTemplate(String value) {
            this.defaultTemplate = Objects.requireNonNull(value, "defaultTemplate");
            return this;
        }

        /**
         * @param dir a host directory copied into {@code ~/workspace} in the bottle ({@code .git} included, modes
         *            kept); the agent runs there
         * @return this builder
         */
        public Builder workspace(Path dir) {
            this.workspace = Objects.requireNonNull(dir, "workspace").toAbsolutePath();
            return this;
        }

        /** @param value whether the bottle also trusts the host's extra CA certificates @return this builder */
        public Builder trustHostCa(boolean value) {
            this.trustHostCa = value;
            return this;
        }

        /** @param value whether weaker host isolation is accepted @return this builder */
        public Builder allowWeakIsolation(boolean value) {
            this.allowWeakIsolation = value;
            return this;
        }

        /** @return the request */
        public LaunchRequest build() {
            return new LaunchRequest(manifest, agent, backend, Optional.ofNullable(label),
                    Optional.ofNullable(defaultTemplate),
                    new LaunchOptions(Optional.ofNullable(workspace), trustHostCa, allowWeakIsolation));
        }
    }
}
