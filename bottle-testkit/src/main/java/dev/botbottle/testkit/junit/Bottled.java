package dev.botbottle.testkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field or parameter of type {@code dev.botbottle.core.runtime.RunningBottle} that {@link BottleTest}
 * fills with a launched bottle.
 *
 * <p>Say what to launch in one of two ways:
 * <ul>
 *   <li>{@link #home()} and {@link #agent()}: the agent of the manifest folder {@code home} (holding {@code bottles/}
 *       and {@code agents/}, relative to the working directory), with {@link #workspace()} and {@link #backend()}
 *       applied;</li>
 *   <li>{@link #request()}: the name of a method of the test class, without parameters, returning a
 *       {@code dev.botbottle.core.runtime.LaunchRequest} (a manifest built in code, any launch option); it must be
 *       {@code static} for a {@code static} field.</li>
 * </ul>
 *
 * @since 0.2
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Bottled {

    /** @return the agent to launch from {@link #home()} */
    String agent() default "";

    /** @return the manifest folder ({@code bottles/}, {@code agents/}), relative to the working directory */
    String home() default "";

    /** @return the name of a method returning the {@code LaunchRequest}, instead of {@link #home()} */
    String request() default "";

    /** @return a folder (relative to the working directory) copied into {@code ~/workspace}; none by default */
    String workspace() default "";

    /** @return the backend; by default {@code $BOT_BOTTLE_BACKEND}, else {@code docker} */
    String backend() default "";
}
