package dev.botbottle.core.manifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Writes manifest files into a temporary bot-bottle home (and project) for tests. */
final class ManifestFixture {
    final Path home;
    final Path project;
    final Path userHome;

    ManifestFixture(Path root) {
        this.home = root.resolve("home/.bot-bottle");
        this.project = root.resolve("project");
        this.userHome = root.resolve("home");
        try {
            Files.createDirectories(home.resolve("bottles"));
            Files.createDirectories(home.resolve("agents"));
            Files.createDirectories(project);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code bottles/<name>.md} with the given front matter lines. */
    Path bottle(String name, String... frontMatter) {
        return write(home.resolve("bottles").resolve(name + ".md"), doc(frontMatter, "Documentation."));
    }

    /** Writes {@code agents/<name>.md} with the given front matter lines and a prompt. */
    Path agent(String name, String prompt, String... frontMatter) {
        return write(home.resolve("agents").resolve(name + ".md"), doc(frontMatter, prompt));
    }

    Path projectAgent(String name, String prompt, String... frontMatter) {
        return write(project.resolve(".bot-bottle/agents").resolve(name + ".md"), doc(frontMatter, prompt));
    }

    Path raw(Path file, String content) {
        return write(file, content);
    }

    ManifestLoader loader() {
        return ManifestLoader.forHome(home).withUserHome(userHome).withProjectDir(project)
                .withProviders(ProviderDoubles.CATALOG);
    }

    ManifestLoader.LoadResult load() {
        return loader().load();
    }

    /** @return the rendered problems, with the temporary root cut off file names */
    List<String> rendered() {
        return load().problems().stream().map(p -> p.render().replace(home + "/", "").replace(project + "/", ""))
                .collect(Collectors.toList());
    }

    static String doc(String[] frontMatter, String body) {
        return "---\n" + String.join("\n", frontMatter) + (frontMatter.length > 0 ? "\n" : "") + "---\n" + body
                + "\n";
    }

    private static Path write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            // getBytes replaces a lone surrogate (a generated document may cut an emoji in half) instead of failing
            Files.write(file, content.getBytes(StandardCharsets.UTF_8));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
