package dev.botbottle.core.manifest;

import dev.botbottle.spi.GitRemote;
import dev.botbottle.spi.ResourceLimits;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Resolves {@code extends} for every bottle and turns the merged layers into {@link BottleDef}s.
 *
 * <p>The outcome for a bottle depends only on the graph of bottles, never on the order the files were listed:
 * bottles are visited by name and each result is a function of the bottle and its ancestors.
 */
final class ExtendsResolver {

    /** The outcome for every bottle: the valid ones and the problems of the others. */
    record Result(Map<String, BottleDef> bottles, List<ManifestProblem> problems) {
    }

    /** How resolving one bottle ended; {@code causeChain} is set when invalid (the chain to the root cause). */
    private record Outcome(BottleDef bottle, Layer layer, List<String> causeChain) {
        boolean valid() {
            return causeChain == null;
        }
    }

    private final Map<String, BottleFile> specs = new TreeMap<>();
    private final Map<String, Outcome> memo = new HashMap<>();
    private final List<ManifestProblem> problems = new ArrayList<>();

    private ExtendsResolver(List<BottleFile> all) {
        for (BottleFile s : all) {
            specs.put(s.name(), s);
        }
    }

    /**
     * @param all every parsed bottle file (with a valid name), valid or not, in any order; names are unique
     * @return the resolved bottles and the problems {@code extends} and the merge found
     */
    static Result resolve(List<BottleFile> all) {
        ExtendsResolver r = new ExtendsResolver(all);
        Map<String, BottleDef> out = new TreeMap<>();
        for (String name : r.specs.keySet()) {
            Outcome o = r.outcome(name);
            if (o.valid()) {
                out.put(name, o.bottle());
            }
        }
        return new Result(out, List.copyOf(r.problems));
    }

    private Outcome outcome(String name) {
        Outcome known = memo.get(name);
        if (known != null) {
            return known;
        }
        Outcome o = compute(specs.get(name));
        memo.put(name, o);
        return o;
    }

    private Outcome compute(BottleFile s) {
        String name = s.name();
        if (s.extendsNames().contains(name)) {
            error(s, "bottle '" + name + "' extends itself; remove '" + name + "' from extends");
            return invalid(List.of(name));
        }
        Optional<List<String>> cycle = cycleThrough(name);
        if (cycle.isPresent()) {
            error(s, "extends cycle: " + String.join(" → ", cycle.get()) + "; break it by removing one of these"
                    + " extends");
            return invalid(List.of(name));
        }
        boolean ok = s.valid();
        for (String parent : s.extendsNames()) {
            if (!specs.containsKey(parent)) {
                List<String> others = specs.keySet().stream().filter(n -> !n.equals(name)).toList();
                error(s, "extends '" + parent + "', which is not a bottle; available bottles: "
                        + (others.isEmpty() ? "none" : String.join(", ", others)));
                ok = false;
            }
        }
        if (!ok) {
            return invalid(List.of(name));
        }
        Layer base = null;
        List<String> brokenChain = null;
        for (String parent : s.extendsNames()) {
            Outcome p = outcome(parent);
            if (!p.valid()) {
                List<String> chain = new ArrayList<>();
                chain.add(name);
                chain.addAll(p.causeChain());
                String cause = chain.get(chain.size() - 1);
                error(s, "extends '" + parent + "', which is invalid (chain: " + String.join(" → ", chain)
                        + "); fix the errors of '" + cause + "' first");
                if (brokenChain == null) {
                    brokenChain = chain;
                }
                continue;
            }
            base = base == null ? p.layer() : base.withNextParent(p.layer());
        }
        if (brokenChain != null) {
            return invalid(brokenChain);
        }
        Layer merged = (base == null ? Layer.EMPTY : base).withChild(s.layer());
        return finish(s, merged).map(b -> new Outcome(b, merged, null)).orElseGet(() -> invalid(List.of(name)));
    }

    private static Outcome invalid(List<String> chain) {
        return new Outcome(null, null, List.copyOf(chain));
    }

    /** @return the shortest path {@code name → … → name}, following extends in declaration order, if any */
    private Optional<List<String>> cycleThrough(String name) {
        Map<String, String> cameFrom = new LinkedHashMap<>();
        Deque<String> queue = new ArrayDeque<>();
        for (String p : specs.get(name).extendsNames()) {
            if (specs.containsKey(p) && !cameFrom.containsKey(p)) {
                cameFrom.put(p, name);
                queue.add(p);
            }
        }
        while (!queue.isEmpty()) {
            String n = queue.poll();
            if (n.equals(name)) {
                List<String> path = new ArrayList<>();
                String at = name;
                do {
                    path.add(0, at);
                    at = cameFrom.get(at);
                } while (!at.equals(name));
                path.add(0, name);
                return Optional.of(path);
            }
            for (String p : specs.get(n).extendsNames()) {
                if (specs.containsKey(p) && !cameFrom.containsKey(p)) {
                    cameFrom.put(p, n);
                    queue.add(p);
                }
            }
        }
        return Optional.empty();
    }

    /** Turns a merged layer into a bottle, checking what only the merged form can show (complete remotes). */
    private Optional<BottleDef> finish(BottleFile s, Layer l) {
        List<ManifestProblem> found = new ArrayList<>();
        Map<String, GitRemote> remotes = new LinkedHashMap<>();
        if (l.remotes != null) {
            l.remotes.forEach((n, spec) -> spec.complete(found).ifPresent(r -> remotes.put(n, r)));
        }
        if (!found.isEmpty()) {
            problems.addAll(found);
            return Optional.empty();
        }
        return Optional.of(new BottleDef(s.name(), s.file(), s.extendsNames(),
                l.env == null ? Map.of() : l.env, l.image == null ? Map.of() : l.image,
                Optional.ofNullable(l.agentProvider), Optional.ofNullable(l.gitUser).filter(u -> !u.isEmpty()),
                remotes, l.routes == null ? List.of() : l.routes, l.skills == null ? List.of() : l.skills,
                l.supervise == null || l.supervise, l.resources == null ? ResourceLimits.NONE : l.resources,
                l.upstreamCaFiles == null ? List.of() : l.upstreamCaFiles));
    }

    private void error(BottleFile s, String message) {
        problems.add(ManifestProblem.error(s.file(), "extends", s.extendsLine(), message));
    }
}
