package dev.botbottle.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoaderTests {

    @TempDir
    Path tmp;
    ManifestFixture f;

    @BeforeEach
    void setUp() {
        f = new ManifestFixture(tmp);
    }

    @Test
    void defaultHomeIsBotBottleHomeElseDotBotBottleInTheUsersHome() {
        assertThat(ManifestLoader.defaultHome(Map.of("BOT_BOTTLE_HOME", "/opt/bb", "HOME", "/home/ada")))
                .isEqualTo(Path.of("/opt/bb"));
        assertThat(ManifestLoader.defaultHome(Map.of("BOT_BOTTLE_HOME", " ", "HOME", "/home/ada")))
                .isEqualTo(Path.of("/home/ada/.bot-bottle"));
        assertThat(ManifestLoader.defaultHome(Map.of()))
                .isEqualTo(Path.of(System.getProperty("user.home"), ".bot-bottle"));
    }

    @Test
    void aMissingHomeIsAWarningAndAnEmptyManifest() {
        ManifestLoader.LoadResult r = ManifestLoader.forHome(tmp.resolve("nowhere")).load();

        assertThat(r.manifest()).isEqualTo(Manifest.EMPTY);
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(ManifestProblem.Severity.WARNING);
            assertThat(p.message()).startsWith("the bot-bottle home does not exist");
        });
    }

    @Test
    void brokenYamlIsAProblemWithItsLineNotAnException() {
        f.bottle("b", "env:", "  A: x", "  B: [unclosed");
        f.bottle("c", "env: {A: x}", "  bad indent: y");

        ManifestLoader.LoadResult r = f.load();

        assertThat(r.manifest().bottles()).isEmpty();
        assertThat(r.errors()).hasSize(2).allSatisfy(p -> {
            assertThat(p.message()).startsWith("invalid YAML: ");
            assertThat(p.line()).isPresent();
        });
        assertThat(r.errors().get(0).render()).startsWith(f.home.resolve("bottles/b.md") + ":");
    }

    @Test
    void missingOrUnclosedFrontMatterIsAProblem() {
        f.raw(f.home.resolve("bottles/none.md"), "# just markdown\n");
        f.raw(f.home.resolve("bottles/open.md"), "---\nsupervise: true\n");
        f.raw(f.home.resolve("bottles/list.md"), "---\n- a\n- b\n---\n");

        assertThat(f.rendered()).containsExactly(
                "bottles/list.md:2: the front matter must be a mapping of keys, got a list",
                "bottles/none.md:1: no front matter: the file must start with a line '---', then the YAML keys,"
                        + " then a line '---'",
                "bottles/open.md:1: the front matter is not closed: add a line '---' after the YAML keys");
    }

    @Test
    void emptyFrontMatterIsAValidBottle() {
        f.raw(f.home.resolve("bottles/empty.md"), "---\n---\n");
        f.raw(f.home.resolve("bottles/crlf.md"), "\uFEFF---\r\nsupervise: false\r\n---\r\nbody\r\n");

        ManifestLoader.LoadResult r = f.load();

        assertThat(r.problems()).isEmpty();
        assertThat(r.manifest().bottle("empty")).isPresent();
        assertThat(r.manifest().bottle("crlf").orElseThrow().supervise()).isFalse();
    }

    @Test
    void duplicateKeysAndAliasesAreErrors() {
        f.bottle("dup", "supervise: true", "supervise: false");
        f.bottle("alias", "env: &e {A: x}", "image: *e");

        assertThat(f.rendered()).containsExactly(
                "bottles/alias.md:3: YAML aliases (*name) are not supported; write the value out",
                "bottles/dup.md:3: supervise: duplicate key: each key may appear once in a mapping");
        assertThat(f.load().manifest().bottles()).isEmpty();
    }

    @Test
    void linesAreFileLinesCountingTheOpeningDashes() {
        f.bottle("b", "# comment", "", "env:", "  A: x", "egress:", "  routes:", "    - host: a.example.com",
                "      tls_passthrough: yes please");

        assertThat(f.load().errors()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(OptionalInt.of(9));
            assertThat(p.keyPath()).isEqualTo("egress.routes[0].tls_passthrough");
        });
    }

    @Test
    void nonMarkdownFilesAndFoldersAreIgnored() throws Exception {
        f.raw(f.home.resolve("bottles/README.txt"), "not a manifest");
        Files.createDirectories(f.home.resolve("bottles/dir.md"));
        f.bottle("ok");

        ManifestLoader.LoadResult r = f.load();

        assertThat(r.problems()).isEmpty();
        assertThat(r.manifest().bottles()).containsOnlyKeys("ok");
    }

    @Test
    void invalidUtf8AndHugeFilesAreProblems() throws Exception {
        Files.write(f.home.resolve("bottles/bin.md"), new byte[] {'-', '-', '-', '\n', (byte) 0xff, (byte) 0xfe});
        Files.writeString(f.home.resolve("bottles/huge.md"), "---\n#" + "x".repeat(2 << 20) + "\n---\n",
                StandardCharsets.UTF_8);

        assertThat(f.rendered()).containsExactly("bottles/bin.md: file is not valid UTF-8",
                "bottles/huge.md: file is larger than 1024 KiB; a manifest is a few lines of YAML and a prompt");
    }

    @Test
    void theProjectDirBeingTheHomesParentReadsAgentsOnce() {
        f.agent("a", "p");
        ManifestLoader loader = ManifestLoader.forHome(f.home).withProjectDir(f.home.getParent());

        assertThat(loader.load().problems()).isEmpty();
        assertThat(loader.load().manifest().agents()).containsOnlyKeys("a");
    }

    @Test
    void problemRendersFileLineKeyPathAndMessage() {
        Path file = Path.of("/h/bottles/b.md");

        assertThat(ManifestProblem.error(file, "env.A", 3, "bad").render()).isEqualTo("/h/bottles/b.md:3: env.A: bad");
        assertThat(ManifestProblem.error(file, "", 3, "bad").render()).isEqualTo("/h/bottles/b.md:3: bad");
        assertThat(ManifestProblem.warning(file, "env", 0, "bad").render()).isEqualTo("/h/bottles/b.md: env: bad");
    }

    @Test
    void manifestExceptionIsABottleExceptionListingEveryProblem() {
        ManifestProblem a = ManifestProblem.error(Path.of("a.md"), "x", 1, "one");
        ManifestProblem b = ManifestProblem.error(Path.of("b.md"), "y", 2, "two");

        ManifestException e = new ManifestException(java.util.List.of(a, b));

        assertThat(e).isInstanceOf(dev.botbottle.spi.BottleException.class);
        assertThat(e.getMessage()).isEqualTo("a.md:1: x: one\nb.md:2: y: two");
        assertThat(e.problems()).containsExactly(a, b);
        assertThatThrownBy(() -> new ManifestException(java.util.List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void suggestionsUseEditDistance() {
        assertThat(Suggest.closest("supervize", Keys.BOTTLE)).contains("supervise");
        assertThat(Suggest.closest("egres", Keys.BOTTLE)).contains("egress");
        assertThat(Suggest.closest("agent-provider", Keys.BOTTLE)).contains("agent_provider");
        assertThat(Suggest.closest("xyz", Keys.BOTTLE)).isEmpty();
        assertThat(Suggest.distance("ab", "ba")).isEqualTo(1);
    }
}
