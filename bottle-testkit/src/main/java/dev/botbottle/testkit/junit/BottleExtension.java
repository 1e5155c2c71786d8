package dev.botbottle.testkit.junit;

import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.manifest.ManifestException;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchRequest;
import dev.botbottle.core.runtime.RunningBottle;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The JUnit 5 extension behind {@link BottleTest}: launches a bottle for every {@link Bottled} field and parameter
 * and keeps its handle in the {@link ExtensionContext.Store} of the context it belongs to (the class for
 * {@code static} fields, the test otherwise), which tears it down when that context ends, whatever its outcome.
 * The runtime and its state folder live in the class's store and go last.
 *
 * @since 0.2
 */
public final class BottleExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    private static final Logger LOG = LoggerFactory.getLogger(BottleExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BottleExtension.class);

    /** Creates the extension; JUnit calls this. */
    public BottleExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        List<Field> fields = fields(testClass);
        fields.forEach(BottleExtension::checkField);
        for (Field f : fields) {
            if (Modifier.isStatic(f.getModifiers())) {
                set(f, null, launch(context, f.getAnnotation(Bottled.class), "static field " + f.getName(),
                        testClass, null));
            }
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            for (Field f : fields(instance.getClass())) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    set(f, instance, launch(context, f.getAnnotation(Bottled.class), "field " + f.getName(),
                            instance.getClass(), instance));
                }
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.isAnnotated(Bottled.class);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        String where = "parameter " + parameter.getParameter().getName() + " of "
                + parameter.getDeclaringExecutable().getName();
        if (!type.isAssignableFrom(RunningBottle.class)) {
            throw new ExtensionConfigurationException("@Bottled " + where + " is a " + type.getName()
                    + "; declare it as RunningBottle");
        }
        Bottled bottled = parameter.findAnnotation(Bottled.class).orElseThrow();
        Object instance = context.getTestInstance().orElse(null);
        return launch(context, bottled, where, context.getRequiredTestClass(), instance);
    }

    // ----------------------------------------------------------------------------------------------------------

    private static List<Field> fields(Class<?> type) {
        return AnnotationSupport.findAnnotatedFields(type, Bottled.class, f -> true, HierarchyTraversalMode.TOP_DOWN);
    }

    private static void checkField(Field f) {
        if (!f.getType().isAssignableFrom(RunningBottle.class)) {
            throw new ExtensionConfigurationException("@Bottled field " + f.getName() + " of "
                    + f.getDeclaringClass().getSimpleName() + " is a " + f.getType().getName()
                    + "; declare it as RunningBottle");
        }
        if (Modifier.isFinal(f.getModifiers())) {
            throw new ExtensionConfigurationException("@Bottled field " + f.getName() + " of "
                    + f.getDeclaringClass().getSimpleName() + " is final; the extension assigns it, remove final");
        }
        Bottled b = f.getAnnotation(Bottled.class);
        if (Modifier.isStatic(f.getModifiers()) && !b.request().isEmpty()) {
            Optional<Method> m = requestMethod(f.getDeclaringClass(), b.request());
            if (m.isPresent() && !Modifier.isStatic(m.get().getModifiers())) {
                throw new ExtensionConfigurationException("static @Bottled field " + f.getName() + " is launched once"
                        + " for the class, but its request method " + b.request() + "() is not static; make it static");
            }
        }
    }

    private static void set(Field f, Object instance, RunningBottle bottle) {
        try {
            f.setAccessible(true);
            f.set(instance, bottle);
        } catch (IllegalAccessException | RuntimeException e) {
            throw new ExtensionConfigurationException("cannot assign @Bottled field " + f.getName() + ": " + e, e);
        }
    }

    /** Launches the bottle an annotation describes and puts its handle in the context's store. */
    private static RunningBottle launch(ExtensionContext context, Bottled b, String where, Class<?> testClass,
                                        Object instance) {
        RuntimeResource runtime = runtime(context);
        LaunchRequest request = request(b, where, testClass, instance, runtime.runtime());
        RunningBottle bottle = runtime.runtime().launch(request);
        context.getStore(NAMESPACE).put(new Object(), new Handle(bottle));
        LOG.debug("launched bottle {} for {} of {}", bottle.slug(), where, context.getDisplayName());
        return bottle;
    }

    private static LaunchRequest request(Bottled b, String where, Class<?> testClass, Object instance,
                                         BottleRuntime runtime) {
        boolean fromMethod = !b.request().isEmpty();
        boolean fromHome = !b.home().isEmpty() || !b.agent().isEmpty();
        if (fromMethod == fromHome) {
            throw new ExtensionConfigurationException("@Bottled " + where + " must say what to launch in exactly one"
                    + " way: home and agent (a manifest folder), or request (a method returning a LaunchRequest)");
        }
        LaunchRequest.Builder builder;
        if (fromMethod) {
            builder = invoke(testClass, b.request(), instance, where).toBuilder();
        } else {
            if (b.home().isEmpty() || b.agent().isEmpty()) {
                throw new ExtensionConfigurationException("@Bottled " + where + " names "
                        + (b.home().isEmpty() ? "an agent but no home (the manifest folder)" : "a home but no agent"));
            }
            Path home = Path.of(b.home()).toAbsolutePath();
            if (!Files.isDirectory(home)) {
                throw new ExtensionConfigurationException("@Bottled " + where + ": home " + home + " is not a folder"
                        + " (it holds bottles/ and agents/, relative to the working directory " + Path.of("")
                        .toAbsolutePath() + ")");
            }
            Manifest manifest;
            try {
                manifest = Manifest.load(home);
            } catch (ManifestException e) {
                throw new ExtensionConfigurationException("@Bottled " + where + ": the manifest in " + home
                        + " has problems: " + e.getMessage(), e);
            }
            String env = runtime.host().environment().get("BOT_BOTTLE_BACKEND");
            builder = LaunchRequest.builder(manifest, b.agent())
                    .backend(env != null && !env.isBlank() ? env : LaunchRequest.DEFAULT_BACKEND);
        }
        if (!b.backend().isEmpty()) {
            builder.backend(b.backend());
        }
        if (!b.workspace().isEmpty()) {
            Path dir = Path.of(b.workspace()).toAbsolutePath();
            if (!Files.isDirectory(dir)) {
                throw new ExtensionConfigurationException("@Bottled " + where + ": workspace " + dir
                        + " is not a folder");
            }
            builder.workspace(dir);
        }
        return builder.build();
    }

    private static Optional<Method> requestMethod(Class<?> testClass, String name) {
        return org.junit.platform.commons.support.ReflectionSupport.findMethod(testClass, name);
    }

    private static LaunchRequest invoke(Class<?> testClass, String name, Object instance, String where) {
        Method m = requestMethod(testClass, name).orElseThrow(() -> new ExtensionConfigurationException("@Bottled "
                + where + " names request method " + name + "(), which " + testClass.getSimpleName()
                + " does not declare (it takes no parameters and returns a LaunchRequest)"));
        if (!LaunchRequest.class.isAssignableFrom(m.getReturnType())) {
            throw new ExtensionConfigurationException("request method " + name + "() of " + testClass.getSimpleName()
                    + " returns " + m.getReturnType().getName() + "; it must return a LaunchRequest");
        }
        boolean isStatic = Modifier.isStatic(m.getModifiers());
        if (!isStatic && instance == null) {
            throw new ExtensionConfigurationException("request method " + name + "() of " + testClass.getSimpleName()
                    + " is not static, but " + where + " is launched before any test instance exists; make it static");
        }
        try {
            m.setAccessible(true);
            Object r = m.invoke(isStatic ? null : instance);
            if (r == null) {
                throw new ExtensionConfigurationException("request method " + name + "() returned null");
            }
            return (LaunchRequest) r;
        } catch (IllegalAccessException e) {
            throw new ExtensionConfigurationException("cannot call request method " + name + "(): " + e, e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new ExtensionConfigurationException("request method " + name + "() failed: " + cause, cause);
        }
    }

    /** @return the runtime of the test class (made, with its state folder, on first use) */
    private static RuntimeResource runtime(ExtensionContext context) {
        ExtensionContext owner = context;
        while (owner.getTestMethod().isPresent() && owner.getParent().isPresent()) {
            owner = owner.getParent().get();
        }
        ExtensionContext classContext = owner;
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(RuntimeResource.class,
                k -> RuntimeResource.start(classContext.getRequiredTestClass()), RuntimeResource.class);
    }

    /** A bottle handle in a store: closing it tears the bottle down. */
    @SuppressWarnings("deprecation") // CloseableResource for JUnit before 5.13, AutoCloseable from then on
    private record Handle(RunningBottle bottle) implements AutoCloseable, ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            bottle.close();
        }
    }

    /** A test class's runtime and its state folder, closed (and the folder removed) when the class is done. */
    @SuppressWarnings("deprecation")
    private record RuntimeResource(BottleRuntime runtime, Path home)
            implements AutoCloseable, ExtensionContext.Store.CloseableResource {

        static RuntimeResource start(Class<?> testClass) {
            BottleRuntime.Builder builder = configured(testClass);
            try {
                Path home = Files.createTempDirectory("bottle-test-");
                return new RuntimeResource(builder.home(home).build(), home);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a state folder for the bottles of "
                        + testClass.getSimpleName(), e);
            }
        }

        private static BottleRuntime.Builder configured(Class<?> testClass) {
            List<Method> configs = AnnotationSupport.findAnnotatedMethods(testClass, BottleRuntimeConfig.class,
                    HierarchyTraversalMode.BOTTOM_UP);
            if (configs.isEmpty()) {
                return BottleRuntime.builder();
            }
            if (configs.size() > 1) {
                throw new ExtensionConfigurationException(testClass.getSimpleName() + " has " + configs.size()
                        + " @BottleRuntimeConfig methods; keep one");
            }
            Method m = configs.get(0);
            if (!Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 0
                    || !BottleRuntime.Builder.class.isAssignableFrom(m.getReturnType())) {
                throw new ExtensionConfigurationException("@BottleRuntimeConfig method " + m.getName() + " of "
                        + testClass.getSimpleName() + " must be static, take no parameters and return"
                        + " BottleRuntime.Builder");
            }
            try {
                m.setAccessible(true);
                Object builder = m.invoke(null);
                if (builder == null) {
                    throw new ExtensionConfigurationException("@BottleRuntimeConfig method " + m.getName()
                            + " returned null");
                }
                return (BottleRuntime.Builder) builder;
            } catch (IllegalAccessException e) {
                throw new ExtensionConfigurationException("cannot call " + m.getName() + ": " + e, e);
            } catch (InvocationTargetException e) {
                throw new ExtensionConfigurationException("@BottleRuntimeConfig method " + m.getName() + " failed: "
                        + e.getCause(), e.getCause());
            }
        }

        @Override
        public void close() {
            runtime.close();
            Path state = home.resolve("state");
            try (Stream<Path> left = Files.isDirectory(state) ? Files.list(state) : Stream.empty()) {
                if (left.findAny().isPresent()) {
                    LOG.warn("bottles are left in {} (a teardown failed); `bottle --home {} cleanup` removes them", home,
                            home);
                    return;
                }
            } catch (IOException e) {
                return;
            }
            try (Stream<Path> all = Files.walk(home)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                LOG.debug("could not remove {}: {}", home, e.getMessage());
            }
        }
    }
}
