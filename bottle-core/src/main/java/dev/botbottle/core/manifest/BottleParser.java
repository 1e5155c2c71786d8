package dev.botbottle.core.manifest;

import dev.botbottle.core.manifest.YamlTree.Entry;
import dev.botbottle.core.manifest.YamlTree.ListNode;
import dev.botbottle.core.manifest.YamlTree.MapNode;
import dev.botbottle.core.manifest.YamlTree.Node;
import dev.botbottle.core.manifest.YamlTree.Scalar;
import dev.botbottle.core.manifest.YamlTree.ScalarType;
import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.SettingProblem;
import dev.botbottle.spi.ResourceLimits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Parses the front matter of one bottle file into a {@link BottleFile}, reporting every problem. */
final class BottleParser {
    private static final Pattern BACKEND = Pattern.compile("^(\\*|[a-z][a-z0-9-]*)$");

    private final NodeReader r;
    private final GitParser git;
    private final RouteParser routes;

    private final ProviderCatalog catalog;

    private final Path userHome;

    BottleParser(Problems problems, Path userHome, ProviderCatalog catalog) {
        this.userHome = userHome;
        this.r = new NodeReader(problems);
        this.catalog = catalog;
        this.git = new GitParser(r, userHome);
        this.routes = new RouteParser(r);
    }

    BottleFile parse(String name, MapNode root) {
        Problems p = r.problems();
        r.checkKeys(root, "", Keys.BOTTLE);
        Map<String, Entry> e = root.entries();
        List<String> parents = new ArrayList<>();
        int extendsLine = 0;
        if (e.containsKey("extends")) {
            extendsLine = e.get("extends").keyLine();
            parents = parseExtends(e.get("extends").value());
        }
        Map<String, EnvValue> env = e.containsKey("env") ? parseEnv(e.get("env").value()) : null;
        Map<String, String> image = e.containsKey("image") ? parseImage(e.get("image").value()) : null;
        AgentProviderConfig provider = e.containsKey("agent_provider")
                ? parseProvider(e.get("agent_provider").value()) : null;
        GitUser user = null;
        Map<String, RemoteSpec> remotes = null;
        if (e.containsKey("git")) {
            Optional<MapNode> g = r.map(e.get("git").value(), "git");
            if (g.isPresent()) {
                r.checkKeys(g.get(), "git", Keys.GIT);
                Entry u = g.get().entries().get("user");
                user = u == null ? null : git.user(u.value(), "git.user").orElse(null);
                Entry rem = g.get().entries().get("remotes");
                remotes = rem == null ? null : git.remotes(rem.value(), "git.remotes");
            }
        }
        List<EgressRoute> routeList = null;
        List<Path> caFiles = null;
        if (e.containsKey("egress")) {
            Optional<MapNode> eg = r.map(e.get("egress").value(), "egress");
            if (eg.isPresent()) {
                r.checkKeys(eg.get(), "egress", Keys.EGRESS);
                Entry rs = eg.get().entries().get("routes");
                routeList = rs == null ? List.of() : routes.routes(rs.value(), "egress.routes");
                Entry ca = eg.get().entries().get("upstream_ca_files");
                caFiles = ca == null ? List.of() : caFiles(ca.value());
            }
        }
        List<String> skills = e.containsKey("skills")
                ? r.names(e.get("skills").value(), "skills", Keys.NAME, "a skill name").orElse(null) : null;
        Boolean supervise = e.containsKey("supervise") ? r.bool(e.get("supervise").value(), "supervise").orElse(null)
                : null;
        ResourceLimits resources = e.containsKey("resources") ? parseResources(e.get("resources").value()) : null;
        Layer layer = new Layer(env, image, provider, user, remotes, routeList, skills, supervise, resources, caFiles);
        // any error in the file (duplicate keys found by the reader included) makes the bottle invalid
        return new BottleFile(name, p.file(), parents, extendsLine, layer, !p.hasErrors());
    }

    private List<Path> caFiles(Node node) {
        List<Path> out = new ArrayList<>();
        r.list(node, "egress.upstream_ca_files").ifPresent(l -> {
            int i = 0;
            for (Node item : l.items()) {
                r.hostPath(item, KeyPaths.index("egress.upstream_ca_files", i++), userHome,
                        "a PEM file of CA certificates on the host").ifPresent(out::add);
            }
        });
        return out;
    }

    private List<String> parseExtends(Node node) {
        List<String> out = new ArrayList<>();
        if (node instanceof ListNode l) {
            int i = 0;
            for (Node item : l.items()) {
                String path = KeyPaths.index("extends", i++);
                extendsName(item, path).ifPresent(n -> {
                    if (out.contains(n)) {
                        r.error(path, item, "'" + n + "' is listed twice");
                    } else {
                        out.add(n);
                    }
                });
            }
        } else {
            extendsName(node, "extends").ifPresent(out::add);
        }
        return out;
    }

    private Optional<String> extendsName(Node node, String path) {
        if (!(node instanceof Scalar s && s.type() == ScalarType.STRING)) {
            r.error(path, node, "expected a bottle name or a list of bottle names, got " + node.describe());
            return Optional.empty();
        }
        return r.matching(node, path, Keys.NAME, "a bottle name", true);
    }

    private Map<String, EnvValue> parseEnv(Node node) {
        Optional<MapNode> m = r.map(node, "env");
        if (m.isEmpty()) {
            return null;
        }
        Map<String, EnvValue> env = new LinkedHashMap<>();
        for (Entry e : m.get().entries().values()) {
            String path = KeyPaths.child("env", e.key());
            if (!Keys.ENV_NAME.matcher(e.key()).matches()) {
                r.problems().error(path, e.keyLine(), "'" + KeyPaths.display(e.key()) + "' is not a valid environment"
                        + " variable name (must match " + Keys.ENV_NAME.pattern() + ")");
                continue;
            }
            Node v = e.value();
            if (v instanceof Scalar s && s.type() == ScalarType.STRING) {
                try {
                    env.put(e.key(), EnvValue.parse(s.text()));
                } catch (IllegalArgumentException ex) {
                    r.error(path, v, ex.getMessage()); // the message never quotes the value
                }
            } else if (v instanceof Scalar s && (s.type() == ScalarType.NUMBER || s.type() == ScalarType.BOOLEAN)) {
                env.put(e.key(), new EnvValue.Literal(s.text()));
            } else {
                // never quote an env value: a literal may be a secret
                r.error(path, v, "expected a string value, got " + v.describe()
                        + "; write a literal, \"?\" or \"?message\" to prompt at launch, or \"${HOST_VAR}\" to copy"
                        + " a host variable");
            }
        }
        return env;
    }

    private Map<String, String> parseImage(Node node) {
        if (node instanceof Scalar) {
            return r.nonBlank(node, "image").map(ref -> Map.of(BottleDef.ANY_BACKEND, ref)).orElse(null);
        }
        Optional<MapNode> m = r.map(node, "image");
        if (m.isEmpty()) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Entry e : m.get().entries().values()) {
            String path = KeyPaths.child("image", e.key());
            if (!BACKEND.matcher(e.key()).matches()) {
                r.problems().error(path, e.keyLine(), "'" + KeyPaths.display(e.key()) + "' is not a backend name"
                        + " (must match " + BACKEND.pattern() + "; '*' means every backend)");
                continue;
            }
            r.nonBlank(e.value(), path).ifPresent(ref -> out.put(e.key(), ref));
        }
        return out;
    }

    private AgentProviderConfig parseProvider(Node node) {
        Optional<MapNode> m = r.map(node, "agent_provider");
        if (m.isEmpty()) {
            return null;
        }
        int before = r.problems().errorCount();
        Map<String, Entry> e = m.get().entries();
        Optional<String> template = Optional.empty();
        if (e.containsKey("template")) {
            template = r.matching(e.get("template").value(), "agent_provider.template", Keys.NAME,
                    "a provider name", true);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (Entry x : e.values()) {
            if (x.key().equals("template")) {
                continue;
            }
            String path = KeyPaths.child("agent_provider", x.key());
            if (x.value() instanceof Scalar s && s.type() != ScalarType.NULL) {
                settings.put(x.key(), s.text());
            } else {
                r.error(path, x.value(), "a provider setting must be a single value, got " + x.value().describe());
            }
        }
        if (r.problems().errorCount() == before && catalog.knowsProviders()) {
            checkProvider(e, template, settings);
        }
        if (r.problems().errorCount() > before) {
            return null;
        }
        return new AgentProviderConfig(template, settings);
    }

    /** With the installed providers known: the template exists and the settings are the ones it declares. */
    private void checkProvider(Map<String, Entry> e, Optional<String> template, Map<String, String> settings) {
        Optional<String> effective = template.or(catalog::defaultTemplate);
        int line = e.containsKey("template") ? e.get("template").keyLine() : 0;
        if (effective.isEmpty()) {
            r.problems().error("agent_provider.template", line, "no template is set and this host has no default;"
                    + " set one of: " + String.join(", ", catalog.providers().keySet()));
            return;
        }
        AgentProvider provider = catalog.providers().get(effective.get());
        if (provider == null) {
            r.problems().error("agent_provider.template", line, "unknown template '" + effective.get()
                    + "'; installed: " + String.join(", ", catalog.providers().keySet())
                    + " (a third-party provider's jar must be on the class path, e.g. BOT_BOTTLE_PLUGIN_PATH)");
            return;
        }
        for (SettingProblem problem : ProviderSettingsCheck.check(provider, settings, catalog)) {
            Entry at = e.get(problem.key());
            r.problems().error(KeyPaths.child("agent_provider", problem.key()), at == null ? 0 : at.keyLine(),
                    problem.message());
        }
    }

    private ResourceLimits parseResources(Node node) {
        Optional<MapNode> m = r.map(node, "resources");
        if (m.isEmpty()) {
            return null;
        }
        r.checkKeys(m.get(), "resources", Keys.RESOURCES);
        Map<String, Entry> e = m.get().entries();
        Optional<Double> cpus = Optional.empty();
        if (e.containsKey("cpus")) {
            Node c = e.get("cpus").value();
            if (c instanceof Scalar s && s.type() == ScalarType.NUMBER) {
                try {
                    double v = Double.parseDouble(s.text().replace("_", ""));
                    if (v > 0 && v <= 1024) {
                        cpus = Optional.of(v);
                    } else {
                        r.error("resources.cpus", c, "must be more than 0 and at most 1024");
                    }
                } catch (NumberFormatException ex) {
                    r.error("resources.cpus", c, "expected a number of CPUs, e.g. 2 or 1.5");
                }
            } else {
                r.error("resources.cpus", c, "expected a number of CPUs, e.g. 2 or 1.5, got " + c.describe());
            }
        }
        Optional<Long> memory = e.containsKey("memory") ? memory(e.get("memory").value()) : Optional.empty();
        Optional<Integer> pids = e.containsKey("pids")
                ? r.integer(e.get("pids").value(), "resources.pids", 1, Integer.MAX_VALUE).map(Long::intValue)
                : Optional.empty();
        return new ResourceLimits(cpus, memory, pids);
    }

    private Optional<Long> memory(Node node) {
        return r.size(node, "resources.memory");
    }
}
