package dev.botbottle.core.manifest;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Loads bottles and agents from Markdown files with YAML front matter, validates them and resolves
 * {@code extends}.
 *
 * <p>Bottles come from {@code <home>/bottles/*.md} only; agents from {@code <home>/agents/*.md} and, with
 * {@link #withProjectDir(Path)}, from {@code <project>/.bot-bottle/agents/*.md}. A {@code bottles/} folder
 * inside a project is warned about and ignored: a cloned repository may ship agents, never bottles.
 *
 * <p>Instances are immutable and thread-safe; {@link #load()} reads the files each time it is called.
 *
 * @since 0.1
 */
public final class ManifestLoader {

    private final Path home;
    private final Optional<Path> projectDir;
    private final Path userHome;
    private final ProviderCatalog catalog;

    private ManifestLoader(Path home, Optional<Path> projectDir, Path userHome, ProviderCatalog catalog) {
        this.home = Objects.requireNonNull(home, "home");
        this.projectDir = Objects.requireNonNull(projectDir, "projectDir");
        this.userHome = Objects.requireNonNull(userHome, "userHome");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    /**
     * @param botBottleHome the bot-bottle home, usually {@link #defaultHome(Map)}
     * @return a loader reading bottles and agents from that home only
     */
    public static ManifestLoader forHome(Path botBottleHome) {
        return new ManifestLoader(botBottleHome, Optional.empty(), userHome(System.getenv()),
                ProviderCatalog.UNKNOWN);
    }

    /**
     * @param cwd the project directory (usually the working directory)
     * @return a loader that also reads agents from {@code <cwd>/.bot-bottle/agents/*.md}
     */
    public ManifestLoader withProjectDir(Path cwd) {
        return new ManifestLoader(home, Optional.of(cwd), userHome, catalog);
    }

    /**
     * @param dir the directory {@code ~} expands to in paths such as a remote's {@code identity}
     * @return a loader expanding {@code ~} to {@code dir} (the default is the {@code user.home} property)
     */
    public ManifestLoader withUserHome(Path dir) {
        return new ManifestLoader(home, projectDir, dir, catalog);
    }

    /**
     * @param providers the installed agent providers and the host's default template
     * @return a loader that also checks each {@code agent_provider} block against its provider: the template is
     *         installed, every setting is one the provider declares, of the declared kind (without it, settings are
     *         checked when a plan is made)
     * @since 0.2
     */
    public ManifestLoader withProviders(ProviderCatalog providers) {
        return new ManifestLoader(home, projectDir, userHome, providers);
    }

    /**
     * @param env the host environment
     * @return {@code $BOT_BOTTLE_HOME} if set and not blank, else {@code $HOME/.bot-bottle} (falling back on the
     *         {@code user.home} property)
     */
    public static Path defaultHome(Map<String, String> env) {
        String explicit = env.get("BOT_BOTTLE_HOME");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        return userHome(env).resolve(".bot-bottle");
    }

    /**
     * The one rule for the host user's home, so the bot-bottle home, {@code ~} in manifests and provider logins
     * agree even when {@code $HOME} and the {@code user.home} property differ (a service account, sudo).
     *
     * @param env the host environment
     * @return {@code $HOME} if set and not blank, else the {@code user.home} property
     * @since 0.2
     */
    public static Path userHome(Map<String, String> env) {
        String home = env.get("HOME");
        return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home);
    }

    /** @return the bot-bottle home this loader reads bottles from */
    public Path home() {
        return home;
    }

    /** @return the project directory agents are also read from, if any */
    public Optional<Path> projectDir() {
        return projectDir;
    }

    /**
     * Loads every manifest file; never throws for bad content.
     *
     * @return every valid entry, and every error and warning found
     */
    public LoadResult load() {
        return new ManifestReader(home, projectDir, userHome, catalog).read();
    }

    /**
     * Loads every manifest file and fails if any has an error.
     *
     * @return the manifest
     * @throws ManifestException listing every error (and warning) when any file has an error
     */
    public Manifest loadStrict() {
        LoadResult result = load();
        if (result.hasErrors()) {
            throw new ManifestException(result.problems());
        }
        return result.manifest();
    }

    /**
     * The outcome of {@link #load()}: the valid part of the manifest and every problem found.
     *
     * @param manifest every bottle and agent that is valid (an agent whose bottle is invalid is still here)
     * @param problems every error and warning, ordered by file and line
     * @since 0.1
     */
    public record LoadResult(Manifest manifest, List<ManifestProblem> problems) {
        public LoadResult {
            Objects.requireNonNull(manifest, "manifest");
            problems = List.copyOf(problems);
        }

        /** @return whether any problem is an {@link ManifestProblem.Severity#ERROR} */
        public boolean hasErrors() {
            return problems.stream().anyMatch(ManifestProblem::isError);
        }

        /** @return the errors only */
        public List<ManifestProblem> errors() {
            return problems.stream().filter(ManifestProblem::isError).toList();
        }

        /** @return the warnings only */
        public List<ManifestProblem> warnings() {
            return problems.stream().filter(p -> !p.isError()).toList();
        }
    }
}
