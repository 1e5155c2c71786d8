package dev.botbottle.spi;

import java.util.Objects;

/**
 * A problem an {@link AgentProvider} finds in its settings beyond their kinds (e.g. two settings that exclude each
 * other); the manifest validator reports it with the file and the line of {@link #key()}.
 *
 * @param key the setting at fault, e.g. {@code auth_token}
 * @param message what is wrong and what to do, written for the person editing the manifest; never a secret
 * @since 0.2
 */
public record SettingProblem(String key, String message) {
    public SettingProblem {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
    }
}
