package dev.botbottle.testkit.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a test class with bottles: every field or parameter annotated {@link Bottled} gets a bottle launched before it
 * is used and torn down after, however the test ends (passed, failed, aborted).
 *
 * <ul>
 *   <li>an instance field or a test method's parameter gets a bottle of its own for each test;</li>
 *   <li>a {@code static} field gets one bottle for the whole class, launched before the first test and torn down
 *       after the last (class-shared, like a {@code static} Testcontainers container).</li>
 * </ul>
 *
 * <pre>{@code
 * @BottleTest
 * class RepoToolTests {
 *     @Bottled(home = "src/test/bot-bottle", agent = "worker")
 *     static RunningBottle shared;                        // one bottle for every test of the class
 *
 *     @Test
 *     void gitWorksInTheBottle(@Bottled(home = "src/test/bot-bottle", agent = "worker") RunningBottle own) {
 *         assertThat(own.exec("git", "--version").exitCode()).isZero();
 *     }
 * }
 * }</pre>
 *
 * <p>Each test class gets its own runtime and state folder (removed at the end); a {@code static} method annotated
 * {@link BottleRuntimeConfig} customises the runtime (plugins, credentials, listeners). Handles live in JUnit's
 * {@code ExtensionContext.Store}, which closes them. A misused annotation fails with an
 * {@code ExtensionConfigurationException} saying what to change.
 *
 * @since 0.2
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(BottleExtension.class)
public @interface BottleTest {
}
