package dev.botbottle.core.manifest;

import dev.botbottle.core.manifest.YamlTree.MapNode;
import dev.botbottle.core.manifest.YamlTree.Node;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the manifest folders once; the work behind {@link ManifestLoader#load()}. */
final class ManifestReader {
    private static final Logger LOG = LoggerFactory.getLogger(ManifestReader.class);
    /** Manifests are small; a larger file is a mistake (or an attempt to exhaust memory from a repo). */
    static final long MAX_FILE_BYTES = 1 << 20;

    private final Path home;
    private final Optional<Path> projectDir;
    private final Path userHome;
    private final List<ManifestProblem> problems = new ArrayList<>();

    private final ProviderCatalog catalog;

    ManifestReader(Path home, Optional<Path> projectDir, Path userHome, ProviderCatalog catalog) {
        this.catalog = catalog;
        this.home = home;
        this.projectDir = projectDir;
        this.userHome = userHome;
    }

    /** A file's front matter and body. */
    private record Parsed(MapNode root, String body) {
    }

    ManifestLoader.LoadResult read() {
        if (!Files.isDirectory(home)) {
            problems.add(ManifestProblem.warning(home, "", 0, "the bot-bottle home does not exist; create "
                    + home.resolve("bottles") + " and " + home.resolve("agents")
                    + " (or set BOT_BOTTLE_HOME)"));
        }
        List<BottleFile> specs = new ArrayList<>();
        for (Path file : markdownFiles(home.resolve("bottles"))) {
            name(file).ifPresent(name -> specs.add(readBottle(name, file)));
        }
        ExtendsResolver.Result resolved = ExtendsResolver.resolve(specs);
        problems.addAll(resolved.problems());

        Set<String> bottleNames = new TreeSet<>();
        specs.forEach(s -> bottleNames.add(s.name()));
        Map<String, AgentDef> agents = new LinkedHashMap<>();
        readAgents(home.resolve("agents"), agents, bottleNames);
        Optional<Path> project = projectDir.map(d -> d.resolve(".bot-bottle"))
                .filter(d -> !sameFile(d, home));
        if (project.isPresent()) {
            Path repoBottles = project.get().resolve("bottles");
            if (Files.isDirectory(repoBottles)) {
                problems.add(ManifestProblem.warning(repoBottles, "", 0, "ignored: bottles are read only from "
                        + home.resolve("bottles") + "; a repository may ship agents, never bottles (they carry"
                        + " credentials, egress and remotes). Move what you trust there"));
            }
            readAgents(project.get().resolve("agents"), agents, bottleNames);
        }
        List<ManifestProblem> sorted = problems.stream().distinct()
                .sorted(Comparator.comparing((ManifestProblem p) -> p.file().toString())
                        .thenComparingInt(p -> p.line().orElse(0)))
                .toList();
        LOG.debug("loaded {} bottle(s) and {} agent(s) from {} with {} problem(s)", resolved.bottles().size(),
                agents.size(), home, sorted.size());
        return new ManifestLoader.LoadResult(new Manifest(resolved.bottles(), agents), sorted);
    }

    private BottleFile readBottle(String name, Path file) {
        Problems p = new Problems(file);
        Optional<Parsed> parsed = parse(file, p);
        BottleFile spec = parsed.map(x -> new BottleParser(p, userHome, catalog).parse(name, x.root()))
                .orElseGet(() -> new BottleFile(name, file, List.of(), 0, Layer.EMPTY, false));
        problems.addAll(p.list());
        return spec;
    }

    private void readAgents(Path dir, Map<String, AgentDef> agents, Set<String> bottleNames) {
        for (Path file : markdownFiles(dir)) {
            Optional<String> name = name(file);
            if (name.isEmpty()) {
                continue;
            }
            Problems p = new Problems(file);
            Optional<AgentDef> agent = parse(file, p)
                    .flatMap(x -> new AgentParser(p, userHome, bottleNames).parse(name.get(), x.root(), x.body()));
            problems.addAll(p.list());
            agent.ifPresent(a -> {
                AgentDef previous = agents.put(a.name(), a);
                if (previous != null) {
                    problems.add(ManifestProblem.warning(file, "", 0, "agent '" + a.name() + "' overrides the agent"
                            + " of the same name in " + previous.file()));
                }
            });
        }
    }

    private Optional<Parsed> parse(Path file, Problems p) {
        String text;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                p.error("", 0, "file is larger than " + (MAX_FILE_BYTES >> 10) + " KiB; a manifest is a few lines"
                        + " of YAML and a prompt");
                return Optional.empty();
            }
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            p.error("", 0, "file is not valid UTF-8");
            return Optional.empty();
        } catch (IOException e) {
            p.error("", 0, "cannot read the file: " + e.getClass().getSimpleName());
            return Optional.empty();
        }
        FrontMatter fm;
        try {
            fm = FrontMatter.split(text);
        } catch (FrontMatter.Missing e) {
            p.error("", e.line, e.getMessage());
            return Optional.empty();
        }
        List<YamlTree.Duplicate> duplicates = new ArrayList<>();
        Node root;
        try {
            root = YamlTree.parse(fm.yaml(), fm.lineOffset(), duplicates);
        } catch (YamlTree.YamlError e) {
            p.error("", e.line, e.getMessage());
            return Optional.empty();
        }
        for (YamlTree.Duplicate d : duplicates) {
            p.error(d.keyPath(), d.line(), "duplicate key: each key may appear once in a mapping");
        }
        if (root == null) {
            return Optional.of(new Parsed(new MapNode(Map.of(), fm.lineOffset()), fm.body()));
        }
        if (!(root instanceof MapNode m)) {
            p.error("", root.line(), "the front matter must be a mapping of keys, got " + root.describe());
            return Optional.empty();
        }
        return Optional.of(new Parsed(m, fm.body()));
    }

    /** @return the {@code .md} regular files of {@code dir}, sorted by name; none if it does not exist */
    private List<Path> markdownFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".md") && Files.isRegularFile(f))
                    .sorted(Comparator.comparing(f -> f.getFileName().toString()))
                    .toList();
        } catch (IOException | RuntimeException e) {
            problems.add(ManifestProblem.error(dir, "", 0, "cannot list the folder: " + e.getClass().getSimpleName()));
            return List.of();
        }
    }

    /** @return the entry name of a file, or empty after a warning when the name is not valid */
    private Optional<String> name(Path file) {
        String fileName = file.getFileName().toString();
        String name = fileName.substring(0, fileName.length() - ".md".length());
        if (Keys.NAME.matcher(name).matches()) {
            return Optional.of(name);
        }
        String hint = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^[^a-z]+", "");
        problems.add(ManifestProblem.warning(file, "", 0, "skipped: '" + KeyPaths.display(name) + "' is not a valid"
                + " name (must match " + Keys.NAME.pattern() + ")"
                + (hint.isEmpty() ? "" : "; rename the file, e.g. to " + hint + ".md")));
        return Optional.empty();
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) {
                return Files.isSameFile(a, b);
            }
        } catch (IOException e) {
            // fall through to comparing the paths
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
}
