package dev.botbottle.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SPI evolution rule (ADR 11), proved with real class files: a provider plugin compiled once against today's
 * SPI keeps loading and working after the next version adds a component to the values it builds and receives
 * ({@code AgentProvisionPlan}, {@code AgentRequest}, {@code EgressRoute}), because it makes them with their
 * builders. A plugin that called a record's canonical constructor breaks, which is why the builders are the
 * documented way.
 */
class SpiEvolutionTests {

    @TempDir
    static Path work;

    private static Path spiV1;
    private static Path spiV2;

    private static final String PROVIDER = """
            package evolved;

            import dev.botbottle.spi.*;
            import java.util.List;

            public final class OldProvider implements AgentProvider {
                public String name() { return "old"; }
                public List<ProviderSetting> settings() {
                    return List.of(ProviderSetting.of("greeting", ProviderSetting.Kind.STRING, "what to say"));
                }
                public AgentProvisionPlan plan(AgentRequest r) {
                    return AgentProvisionPlan.builder()
                            .env("GREETING", r.settings().string("greeting").orElse("hello"))
                            .placeholder("OLD_TOKEN", "placeholder").hidden("OLD_TOKEN")
                            .route(EgressRoute.builder("api.example.com").auth(new RouteAuth("Bearer", "OLD_TOKEN"))
                                    .ports(List.of(443)).build())
                            .image(ImageSpec.of("old/agent:1")).build();
                }
                public List<ProvisionStep> provisioningSteps(AgentRequest r, Bottle b) {
                    return List.of(new ProvisionStep.SetEnv("AGENT_NAME", r.agent()));
                }
                public List<ProvisionStep> superviseSteps(SuperviseEndpoint e) { return List.of(); }
                public List<String> interactiveCommand() { return List.of("bash"); }
                public List<String> headlessCommand(String p) { return List.of("bash", "-c", p); }
            }
            """;

    /** The same plugin, but making its plan with the canonical constructor. */
    private static final String CONSTRUCTOR_PROVIDER = PROVIDER.replace("OldProvider", "ConstructorProvider")
            .replace("\"old\"", "\"ctor\"")
            .replace("return AgentProvisionPlan.builder()", "if (true) return new AgentProvisionPlan(java.util.Map.of(),"
                    + " java.util.Set.of(), List.of(), java.util.Set.of(), java.util.Optional.empty(), java.util.Map.of());"
                    + " return AgentProvisionPlan.builder()");

    @BeforeAll
    static void compileBothVersions() throws IOException {
        Path sources = Path.of("").toAbsolutePath().getParent().resolve("bottle-spi/src/main/java");
        spiV1 = compile(List.of(sources), work.resolve("spi-v1"), null);
        Path v2Sources = copy(sources, work.resolve("spi-v2-src"));
        addComponent(v2Sources.resolve("dev/botbottle/spi/AgentProvisionPlan.java"), "Map<String, String> env) {",
                "Map<String, String> env, Map<String, String> annotations) {",
                "credentialRefs, image, env);", "credentialRefs, image, env, Map.of());");
        addComponent(v2Sources.resolve("dev/botbottle/spi/AgentRequest.java"),
                "Map<String, String> hostEnvironment) {", "Map<String, String> hostEnvironment, String locale) {",
                "hostHome, hostEnvironment);", "hostHome, hostEnvironment, \"en\");");
        addComponent(v2Sources.resolve("dev/botbottle/spi/EgressRoute.java"), "boolean allowPrivate) {",
                "boolean allowPrivate, String note) {", "dlp, allowPrivate);", "dlp, allowPrivate, \"\");",
                "ports, dlp, false);", "ports, dlp, false, \"\");");
        spiV2 = compile(List.of(v2Sources), work.resolve("spi-v2"), null);
    }

    @Test
    void aPluginBuiltAgainstTodaysSpiLoadsAndPlansWithTheNextOne() throws Exception {
        Path jar = plugin("OldProvider", PROVIDER);

        try (URLClassLoader v2 = loader(spiV2, jar)) {
            Class<?> provider = v2.loadClass("dev.botbottle.spi.AgentProvider");
            Object plugin = firstService(provider, v2);
            assertThat(invoke(plugin, "name")).isEqualTo("old");

            Object request = build(v2, "dev.botbottle.spi.AgentRequest", Map.of("greeting", "bonjour"));
            Class<?> requestType = v2.loadClass("dev.botbottle.spi.AgentRequest");
            assertThat(requestType.getRecordComponents()).as("the new SPI has the added component")
                    .anyMatch(c -> c.getName().equals("locale"));
            Object plan = provider.getMethod("plan", requestType).invoke(plugin, request);

            assertThat(invoke(plan, "env")).isEqualTo(Map.of("GREETING", "bonjour"));
            assertThat(invoke(plan, "annotations")).as("the added component has its default").isEqualTo(Map.of());
            List<?> routes = (List<?>) invoke(plan, "egressRoutes");
            assertThat(routes).hasSize(1);
            assertThat(invoke(routes.get(0), "note")).isEqualTo("");
            assertThat(invoke(routes.get(0), "host")).isEqualTo("api.example.com");
        }
    }

    @Test
    void aPluginThatCalledACanonicalConstructorBreaksSoTheBuildersAreTheDocumentedWay() throws Exception {
        Path jar = plugin("ConstructorProvider", CONSTRUCTOR_PROVIDER);

        try (URLClassLoader v1 = loader(spiV1, jar)) { // control: it works against the SPI it was built for
            Object plugin = firstService(v1.loadClass("dev.botbottle.spi.AgentProvider"), v1);
            Class<?> requestType = v1.loadClass("dev.botbottle.spi.AgentRequest");
            Object plan = plugin.getClass().getMethod("plan", requestType)
                    .invoke(plugin, build(v1, "dev.botbottle.spi.AgentRequest", Map.of()));
            assertThat(invoke(plan, "env")).isEqualTo(Map.of());
        }
        try (URLClassLoader v2 = loader(spiV2, jar)) {
            Object plugin = firstService(v2.loadClass("dev.botbottle.spi.AgentProvider"), v2);
            Class<?> requestType = v2.loadClass("dev.botbottle.spi.AgentRequest");
            Object request = build(v2, "dev.botbottle.spi.AgentRequest", Map.of());
            assertThatThrownBy(() -> plugin.getClass().getMethod("plan", requestType).invoke(plugin, request))
                    .isInstanceOf(InvocationTargetException.class).cause().isInstanceOf(NoSuchMethodError.class);
        }
    }

    private static Path plugin(String name, String source) throws IOException {
        Path src = Files.createDirectories(work.resolve("plugin-" + name + "/src/evolved"));
        Files.writeString(src.resolve(name + ".java"), source);
        Path classes = compile(List.of(src.getParent()), work.resolve("plugin-" + name + "/classes"), spiV1);
        Path jar = work.resolve(name + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("evolved/" + name + ".class"));
            out.write(Files.readAllBytes(classes.resolve("evolved/" + name + ".class")));
            out.putNextEntry(new JarEntry("META-INF/services/dev.botbottle.spi.AgentProvider"));
            out.write(("evolved." + name + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }

    private static Path compile(List<Path> sourceRoots, Path out, Path classPath) throws IOException {
        Files.createDirectories(out);
        List<String> args = new ArrayList<>(List.of("--release", "17", "-nowarn", "-d", out.toString()));
        if (classPath != null) {
            args.addAll(List.of("-cp", classPath.toString()));
        }
        for (Path root : sourceRoots) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(p -> p.toString().endsWith(".java")).map(Path::toString).forEach(args::add);
            }
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        OutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, null, err, args.toArray(String[]::new));
        assertThat(rc).as("javac: " + err).isZero();
        return out;
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }

    /**
     * Adds a record component the way a minor version would: in the header, defaulted by the builder (and by a kept
     * older constructor), each given as a pair of the text found and its replacement.
     */
    private static void addComponent(Path file, String... replacements) throws IOException {
        String s = Files.readString(file);
        for (int i = 0; i < replacements.length; i += 2) {
            assertThat(s).as(file + " still has the shape this test patches").contains(replacements[i]);
            s = s.replace(replacements[i], replacements[i + 1]);
        }
        Files.writeString(file, s);
    }

    private static URLClassLoader loader(Path spi, Path jar) throws IOException {
        return new URLClassLoader(new URL[] {spi.toUri().toURL(), jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
    }

    private static Object firstService(Class<?> type, ClassLoader loader) {
        Iterator<?> it = ServiceLoader.load(type, loader).iterator();
        assertThat(it.hasNext()).as("ServiceLoader finds the plugin").isTrue();
        return it.next();
    }

    private static Object build(ClassLoader loader, String type, Map<String, String> settings) throws Exception {
        Class<?> request = loader.loadClass(type);
        Object builder = request.getMethod("builder", String.class, String.class).invoke(null, "dev", "dev-abc12");
        Method withSettings = builder.getClass().getMethod("settings", Map.class);
        withSettings.invoke(builder, settings);
        return builder.getClass().getMethod("build").invoke(builder);
    }

    private static Object invoke(Object target, String accessor) throws Exception {
        Method m = target.getClass().getMethod(accessor);
        m.setAccessible(true);
        return m.invoke(target);
    }
}
