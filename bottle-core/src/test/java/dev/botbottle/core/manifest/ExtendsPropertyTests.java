package dev.botbottle.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of {@code extends} resolution over random graphs of bottles (cycles and missing parents included). */
class ExtendsPropertyTests {

    /** A random bottle graph: per bottle, its parents (possibly unknown names) and its own env. */
    record Graph(List<BottleFile> specs) {
    }

    @Provide
    Arbitrary<Graph> graphs() {
        return Arbitraries.integers().between(1, 8).flatMap(n -> Combinators.combine(
                Arbitraries.longs(), Arbitraries.integers().between(0, 100)).as((seed, invalidPercent) -> {
                    Random rnd = new Random(seed);
                    List<BottleFile> specs = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        List<String> parents = new ArrayList<>();
                        int k = rnd.nextInt(4);
                        for (int j = 0; j < k; j++) {
                            // n + 1 names: one of them never exists
                            String p = "b" + rnd.nextInt(n + 1);
                            if (!parents.contains(p)) {
                                parents.add(p);
                            }
                        }
                        Map<String, EnvValue> env = new LinkedHashMap<>();
                        for (int j = rnd.nextInt(4); j > 0; j--) {
                            env.put("K" + rnd.nextInt(5), new EnvValue.Literal("b" + i));
                        }
                        Layer layer = new Layer(env, null, null, null, null, null, null,
                                rnd.nextBoolean() ? null : rnd.nextBoolean(), null, null);
                        boolean valid = rnd.nextInt(100) >= invalidPercent / 5;
                        specs.add(new BottleFile("b" + i, Path.of("b" + i + ".md"), parents, 2, layer, valid));
                    }
                    return new Graph(specs);
                }));
    }

    @Property
    void resolutionDoesNotDependOnFileListingOrder(@ForAll("graphs") Graph graph, @ForAll long shuffleSeed) {
        List<BottleFile> shuffled = new ArrayList<>(graph.specs());
        Collections.shuffle(shuffled, new Random(shuffleSeed));
        List<BottleFile> reversed = new ArrayList<>(graph.specs());
        Collections.reverse(reversed);

        ExtendsResolver.Result a = ExtendsResolver.resolve(graph.specs());
        ExtendsResolver.Result b = ExtendsResolver.resolve(shuffled);
        ExtendsResolver.Result c = ExtendsResolver.resolve(reversed);

        assertThat(b.bottles()).isEqualTo(a.bottles());
        assertThat(c.bottles()).isEqualTo(a.bottles());
        assertThat(Set.copyOf(b.problems())).isEqualTo(Set.copyOf(a.problems()));
        assertThat(Set.copyOf(c.problems())).isEqualTo(Set.copyOf(a.problems()));
    }

    @Property
    void aBottleResolvesFromItsAncestorsAlone(@ForAll("graphs") Graph graph) {
        ExtendsResolver.Result all = ExtendsResolver.resolve(graph.specs());
        Map<String, BottleFile> byName = new LinkedHashMap<>();
        graph.specs().forEach(s -> byName.put(s.name(), s));

        for (BottleDef bottle : all.bottles().values()) {
            Set<String> closure = new HashSet<>();
            List<String> todo = new ArrayList<>(List.of(bottle.name()));
            while (!todo.isEmpty()) {
                String n = todo.remove(todo.size() - 1);
                if (closure.add(n)) {
                    todo.addAll(byName.get(n).extendsNames());
                }
            }
            List<BottleFile> subset = closure.stream().map(byName::get).toList();

            assertThat(ExtendsResolver.resolve(subset).bottles().get(bottle.name())).isEqualTo(bottle);
        }
    }

    @Property
    void everyBottleIsEitherResolvedOrHasAnError(@ForAll("graphs") Graph graph) {
        ExtendsResolver.Result r = ExtendsResolver.resolve(graph.specs());

        for (BottleFile s : graph.specs()) {
            boolean resolved = r.bottles().containsKey(s.name());
            boolean reported = r.problems().stream().anyMatch(p -> p.file().equals(s.file()));
            // a spec marked invalid had its own errors reported by the parser
            assertThat(resolved || reported || !s.valid()).as(s.name()).isTrue();
            assertThat(resolved && reported).as(s.name()).isFalse();
        }
    }
}
