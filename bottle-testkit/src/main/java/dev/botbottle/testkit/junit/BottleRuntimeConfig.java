package dev.botbottle.testkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the {@code static} method, without parameters, of a {@link BottleTest} class that returns the
 * {@code BottleRuntime.Builder} its bottles are launched with (plugins, credentials, listeners, backend options).
 * The extension sets the builder's home to the class's own state folder, so what the method sets there is replaced.
 *
 * <pre>{@code
 * @BottleRuntimeConfig
 * static BottleRuntime.Builder runtime() {
 *     return BottleRuntime.builder().credentials(CredentialSource.fromEnvironment(Map.of("API_TOKEN", "test-token")));
 * }
 * }</pre>
 *
 * @since 0.2
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface BottleRuntimeConfig {
}
