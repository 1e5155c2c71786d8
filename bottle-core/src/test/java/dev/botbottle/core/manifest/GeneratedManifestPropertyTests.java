package dev.botbottle.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

/**
 * 1,000 generated manifest folders (random keys, values, nesting and broken YAML) give a manifest or problems,
 * and {@code loadStrict} a manifest or a {@link ManifestException}; never another exception.
 */
class GeneratedManifestPropertyTests {

    private static final List<String> KEYS = List.of("extends", "env", "image", "agent_provider", "git", "egress",
            "skills", "supervise", "resources", "bottle", "name", "description", "user", "remotes", "routes", "host",
            "auth", "scheme", "token_ref", "matches", "paths", "type", "value", "methods", "tls_passthrough", "ports",
            "allow_private", "dlp", "action", "enabled", "url", "identity", "provisioned_key", "provider", "host_key", "template",
            "auth_token", "forward_host_credentials", "cpus", "memory", "pids", "email", "origin", "A", "B_2",
            "bad-key", "Ünïcode", "?", "*", "x y", "extend", "envv");
    private static final List<String> SCALARS = List.of("base", "b1", "claude", "codex", "?", "?msg", "${HOME}",
            "${bad-name}", "${", "true", "false", "yes", "~", "null", "0", "-1", "65536", "1.5", "512m", "2g", "lots",
            "prefix", "regex", "block", "redact", "warn", "/", "/api/", "(", "git@h.example:o/r.git",
            "ssh://git@h.example:22/o/r.git", "https://h/x", "~/.ssh/id", "/k", "relative/k",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl", "Bearer",
            "TOKEN", "a.example.com", "*.example.com", "", " ", "'", "\"", "&a", "*a", "!!binary aGk=", "!!str x",
            "[", "]", "{", "}", ": ", "- ", "#", "\t", "|", ">", "%YAML 1.2", "---", "...", "\u0000", "é", "💥");

    @Property(tries = 1000)
    void generatedManifestsNeverThrowAnythingButManifestException(@ForAll long seed) throws IOException {
        Random rnd = new Random(seed);
        Path root = Files.createTempDirectory("fuzz");
        try {
            ManifestFixture f = new ManifestFixture(root);
            int files = 1 + rnd.nextInt(5);
            for (int i = 0; i < files; i++) {
                String name = rnd.nextInt(10) == 0 ? "Bad_" + i : rnd.nextBoolean() ? "b" + rnd.nextInt(4)
                        : "a" + rnd.nextInt(4);
                String content = document(rnd);
                Path dir = switch (rnd.nextInt(6)) {
                    case 0, 1, 2 -> f.home.resolve("bottles");
                    case 3, 4 -> f.home.resolve("agents");
                    default -> f.project.resolve(".bot-bottle/" + (rnd.nextBoolean() ? "agents" : "bottles"));
                };
                f.raw(dir.resolve(name + ".md"), content);
            }

            ManifestLoader.LoadResult result = f.load();
            Statistics.label("outcome").collect(result.hasErrors() ? "with errors" : "clean");
            Statistics.label("valid entries").collect(
                    result.manifest().bottles().size() + result.manifest().agents().size() > 0 ? "some" : "none");

            assertThat(result.manifest()).isNotNull();
            result.problems().forEach(p -> assertThat(p.render()).isNotBlank());
            // an entry whose file has an error is never in the manifest
            java.util.Set<Path> broken = new java.util.HashSet<>();
            result.errors().forEach(p -> broken.add(p.file()));
            result.manifest().bottles().values().forEach(b -> assertThat(broken).doesNotContain(b.file()));
            result.manifest().agents().values().forEach(a -> assertThat(broken).doesNotContain(a.file()));
            for (AgentDef agent : result.manifest().agents().values()) {
                try {
                    assertThat(result.manifest().bottleFor(agent).agent()).isEqualTo(agent);
                } catch (ManifestException expected) {
                    assertThat(expected.problems()).isNotEmpty();
                }
            }
            try {
                assertThat(f.loader().loadStrict()).isEqualTo(result.manifest());
                assertThat(result.hasErrors()).isFalse();
            } catch (ManifestException e) {
                assertThat(result.hasErrors()).isTrue();
                assertThat(e.problems()).isEqualTo(result.problems());
            }
        } finally {
            MergePropertyTests.delete(root);
        }
    }

    private static String document(Random rnd) {
        StringBuilder yaml = new StringBuilder();
        emitMap(rnd, yaml, 0, rnd.nextInt(4));
        String fm = yaml.toString();
        switch (rnd.nextInt(8)) {
            case 0 -> fm = fm.substring(0, rnd.nextInt(fm.length() + 1)); // truncated
            case 1 -> { // a random character inserted somewhere
                int at = rnd.nextInt(fm.length() + 1);
                String c = SCALARS.get(rnd.nextInt(SCALARS.size()));
                fm = fm.substring(0, at) + c + fm.substring(at);
            }
            case 2 -> fm = fm.replace("  ", "\t"); // tabs for indentation
            default -> {
                // well-formed
            }
        }
        return switch (rnd.nextInt(12)) {
            case 0 -> fm; // no front matter
            case 1 -> "---\n" + fm; // unclosed
            default -> "---\n" + fm + "---\nThe body " + rnd.nextInt() + "\n";
        };
    }

    private static void emitMap(Random rnd, StringBuilder out, int indent, int depth) {
        int n = rnd.nextInt(5);
        for (int i = 0; i < n; i++) {
            String key = KEYS.get(rnd.nextInt(KEYS.size()));
            out.append(" ".repeat(indent)).append(quoteKey(key, rnd)).append(':');
            emitValue(rnd, out, indent, depth);
        }
        if (n == 0 && indent > 0) {
            out.append(" ".repeat(indent)).append("{}\n");
        }
    }

    private static void emitValue(Random rnd, StringBuilder out, int indent, int depth) {
        int kind = depth <= 0 ? 0 : rnd.nextInt(5);
        switch (kind) {
            case 1 -> {
                out.append('\n');
                emitMap(rnd, out, indent + 2, depth - 1);
            }
            case 2 -> {
                out.append('\n');
                int n = rnd.nextInt(4);
                for (int i = 0; i < n; i++) {
                    out.append(" ".repeat(indent + 2)).append("-");
                    if (rnd.nextBoolean() && depth > 1) {
                        out.append(" ").append(quoteKey(KEYS.get(rnd.nextInt(KEYS.size())), rnd)).append(':');
                        emitValue(rnd, out, indent + 4, depth - 2);
                    } else {
                        out.append(' ').append(scalar(rnd)).append('\n');
                    }
                }
                if (n == 0) {
                    out.append(" ".repeat(indent + 2)).append("[]\n");
                }
            }
            case 3 -> out.append(' ').append(flow(rnd, depth)).append('\n');
            default -> out.append(' ').append(scalar(rnd)).append('\n');
        }
    }

    private static String flow(Random rnd, int depth) {
        if (depth <= 0 || rnd.nextInt(3) == 0) {
            return "'" + SCALARS.get(rnd.nextInt(SCALARS.size())).replace("'", "''") + "'";
        }
        List<String> parts = new ArrayList<>();
        boolean map = rnd.nextBoolean();
        for (int i = rnd.nextInt(4); i > 0; i--) {
            parts.add(map ? KEYS.get(rnd.nextInt(KEYS.size())).replace(" ", "_") + ": " + flow(rnd, depth - 1)
                    : flow(rnd, depth - 1));
        }
        return (map ? "{" : "[") + String.join(", ", parts) + (map ? "}" : "]");
    }

    private static String scalar(Random rnd) {
        String s = SCALARS.get(rnd.nextInt(SCALARS.size()));
        return switch (rnd.nextInt(3)) {
            case 0 -> "'" + s.replace("'", "''") + "'";
            case 1 -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            default -> s; // plain: may well be broken YAML, on purpose
        };
    }

    private static String quoteKey(String key, Random rnd) {
        return rnd.nextInt(5) == 0 ? "'" + key.replace("'", "''") + "'" : key;
    }
}
