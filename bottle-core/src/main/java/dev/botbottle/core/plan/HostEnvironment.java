package dev.botbottle.core.plan;

import dev.botbottle.core.manifest.ManifestLoader;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The host facts planning and launching depend on, passed in so tests never read the real home or environment.
 *
 * @param botBottleHome the bot-bottle home (bottles, agents, skills, state)
 * @param userHome the host user's home (provider logins, a CLI's own skills)
 * @param environment the host environment variables
 * @since 0.1
 */
public record HostEnvironment(Path botBottleHome, Path userHome, Map<String, String> environment) {
    public HostEnvironment {
        Objects.requireNonNull(botBottleHome, "botBottleHome");
        Objects.requireNonNull(userHome, "userHome");
        environment = Map.copyOf(environment);
    }

    /**
     * @return this process's environment, with the home from {@code BOT_BOTTLE_HOME} or {@code ~/.bot-bottle}
     */
    public static HostEnvironment current() {
        return of(System.getenv());
    }

    /**
     * @param env a host environment
     * @return that environment, with the homes it implies ({@link ManifestLoader#defaultHome},
     *         {@link ManifestLoader#userHome})
     * @since 0.2
     */
    public static HostEnvironment of(Map<String, String> env) {
        return new HostEnvironment(ManifestLoader.defaultHome(env), ManifestLoader.userHome(env), env);
    }

    /** @return a short form without the environment's values */
    @Override
    public String toString() {
        return "HostEnvironment[botBottleHome=" + botBottleHome + ", userHome=" + userHome + "]";
    }
}
