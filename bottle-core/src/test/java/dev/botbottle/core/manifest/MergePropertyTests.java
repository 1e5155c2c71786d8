package dev.botbottle.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botbottle.spi.EgressRoute;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of the merge, end to end through files: child keys always win, parent keys survive unless replaced. */
class MergePropertyTests {

    static final String KEY = BottleValidationTests.KEY;

    @Provide
    Arbitrary<Map<String, String>> envs() {
        return Arbitraries.maps(Arbitraries.strings().withCharRange('A', 'F').ofMinLength(1).ofMaxLength(2),
                Arbitraries.strings().alpha().numeric().ofMinLength(0).ofMaxLength(6)).ofMaxSize(6);
    }

    @Provide
    Arbitrary<Set<String>> remoteNames() {
        return Arbitraries.of("origin", "docs", "up", "mirror").set().ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<String>> hosts() {
        return Arbitraries.of("a.example.com", "b.example.com", "c.example.com").set().ofMaxSize(3)
                .map(ArrayList::new);
    }

    @Property(tries = 200)
    void childKeysAlwaysWinAndParentKeysSurviveUnlessReplaced(
            @ForAll("envs") Map<String, String> parentEnv, @ForAll("envs") Map<String, String> childEnv,
            @ForAll("remoteNames") Set<String> parentRemotes, @ForAll("remoteNames") Set<String> childRemotes,
            @ForAll("hosts") List<String> parentHosts, @ForAll("hosts") List<String> childHosts,
            @ForAll boolean childDeclaresRoutes, @ForAll boolean childDeclaresSupervise) throws IOException {
        Path root = Files.createTempDirectory("merge");
        try {
            ManifestFixture f = new ManifestFixture(root);
            f.bottle("parent", lines(parentEnv, parentRemotes, "parent", parentHosts, true, false));
            List<String> child = new ArrayList<>(List.of("extends: parent"));
            child.addAll(List.of(lines(childEnv, childRemotes, "child", childHosts, childDeclaresRoutes,
                    childDeclaresSupervise)));
            f.bottle("child", child.toArray(String[]::new));

            ManifestLoader.LoadResult r = f.load();

            assertThat(r.problems()).isEmpty();
            BottleDef b = r.manifest().bottle("child").orElseThrow();
            childEnv.forEach((k, v) -> assertThat(b.env().get(k)).isEqualTo(EnvValue.parse(v)));
            parentEnv.forEach((k, v) -> {
                if (!childEnv.containsKey(k)) {
                    assertThat(b.env().get(k)).isEqualTo(EnvValue.parse(v));
                }
            });
            assertThat(b.env()).hasSize(union(parentEnv.keySet(), childEnv.keySet()).size());
            childRemotes.forEach(n -> assertThat(b.remotes().get(n).url()).contains("child"));
            parentRemotes.forEach(n -> {
                if (!childRemotes.contains(n)) {
                    assertThat(b.remotes().get(n).url()).contains("parent");
                }
            });
            assertThat(b.remotes().keySet()).isEqualTo(union(parentRemotes, childRemotes));
            assertThat(b.routes()).extracting(EgressRoute::host)
                    .containsExactlyElementsOf(childDeclaresRoutes ? childHosts : parentHosts);
            assertThat(b.supervise()).isEqualTo(!childDeclaresSupervise ? false : true);
        } finally {
            delete(root);
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new java.util.HashSet<>(a);
        u.addAll(b);
        return u;
    }

    /** Front matter lines; env values are quoted so that every generated value is a string. */
    private static String[] lines(Map<String, String> env, Set<String> remotes, String who, List<String> hosts,
                                  boolean routes, boolean supervise) {
        List<String> l = new ArrayList<>();
        if (!env.isEmpty()) {
            l.add("env:");
            new LinkedHashMap<>(env).forEach((k, v) -> l.add("  " + k + ": '" + v + "'"));
        }
        if (!remotes.isEmpty()) {
            l.add("git:");
            l.add("  remotes:");
            for (String n : remotes) {
                l.add("    " + n + ": {url: 'git@" + who + ".example:o/" + n + ".git', identity: /k/" + who
                        + ", host_key: " + KEY + "}");
            }
        }
        if (routes) {
            l.add("egress:");
            l.add("  routes:");
            hosts.forEach(h -> l.add("    - host: " + h));
            if (hosts.isEmpty()) {
                l.set(l.size() - 1, "  routes: []");
            }
        }
        // the parent says false; a child that declares supervise says true
        l.add("supervise: " + (who.equals("parent") ? "false" : "true"));
        if (who.equals("child") && !supervise) {
            l.remove(l.size() - 1);
        }
        return l.toArray(String[]::new);
    }

    static void delete(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
