package dev.botbottle.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI distribution the build makes ({@code target/bottle-cli-VERSION-dist.tar.gz}): unpacked outside the source
 * checkout, its {@code bin/bottle} runs with nothing but Java, also through a symbolic link, and finds the plugins it
 * ships in {@code lib/}.
 */
class DistributionIT {

    @TempDir
    Path unpacked;

    @TempDir
    Path home;

    private Path bottle;

    @BeforeEach
    void unpack() throws Exception {
        Path archive;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            archive = files.filter(p -> p.getFileName().toString().matches("bottle-cli-.*-dist\\.tar\\.gz"))
                    .findFirst().orElseThrow(() -> new AssertionError("no distribution archive in target/; the"
                            + " package phase builds it"));
        }
        assertThat(run(unpacked, Map.of(), "tar", "-xzf", archive.toAbsolutePath().toString()).exit()).isZero();
        try (Stream<Path> dirs = Files.list(unpacked)) {
            Path root = dirs.findFirst().orElseThrow();
            assertThat(root.getFileName().toString()).startsWith("bottle-");
            bottle = root.resolve("bin/bottle");
        }
    }

    @Test
    void theArchiveHoldsTheLauncherAndTheShippedPlugins() throws IOException {
        assertThat(bottle).isExecutable();
        try (Stream<Path> jars = Files.list(bottle.getParent().getParent().resolve("lib"))) {
            assertThat(jars.map(p -> p.getFileName().toString()).toList())
                    .anyMatch(n -> n.startsWith("bottle-cli-")).anyMatch(n -> n.startsWith("bottle-core-"))
                    .anyMatch(n -> n.startsWith("bottle-backend-docker-"))
                    .anyMatch(n -> n.startsWith("bottle-egress-"))
                    .anyMatch(n -> n.startsWith("bottle-provider-claude-"))
                    .noneMatch(n -> n.contains("junit") || n.contains("assertj"));
        }
    }

    @Test
    void theUnpackedCliRunsOutsideTheCheckout() {
        Run version = run(home, env(), bottle.toString(), "--version");
        assertThat(version.exit()).as(version.out()).isZero();
        assertThat(version.out()).startsWith("bottle ");

        Run ps = run(home, env(), bottle.toString(), "ps");
        assertThat(ps.exit()).as(ps.out()).isZero();
        assertThat(ps.out()).doesNotContain("Exception"); // what it lists depends on the shared engine

        Run schema = run(home, env(), bottle.toString(), "schema");
        assertThat(schema.exit()).as(schema.out()).isZero();
        assertThat(schema.out()).contains("\"$schema\"").contains("claude"); // the shipped provider's settings
    }

    @Test
    void aSymbolicLinkToTheLauncherFindsItsLibraries() throws IOException {
        Path link = Files.createDirectories(home.resolve("bin")).resolve("bottle");
        Files.createSymbolicLink(link, bottle);
        Run version = run(home, env(), link.toString(), "--version");
        assertThat(version.exit()).as(version.out()).isZero();
        assertThat(version.out()).startsWith("bottle ");
    }

    @Test
    void aJavaHomeWithoutJavaIsNamedAsWhatIsMissing() {
        Map<String, String> env = new java.util.HashMap<>(env());
        env.put("JAVA_HOME", home.resolve("no-jdk-here").toString());
        Run run = run(home, env, bottle.toString(), "--version");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.out()).contains("no java found").contains("JAVA_HOME");
    }

    private Map<String, String> env() {
        // no JAVA_HOME: java from the PATH, as on a user's machine
        return Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                "BOT_BOTTLE_HOME", home.toString(), "HOME", home.toString());
    }

    record Run(int exit, String out) {
    }

    private static Run run(Path dir, Map<String, String> env, String... argv) {
        ProcessBuilder pb = new ProcessBuilder(List.of(argv)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (!env.isEmpty()) {
            pb.environment().clear();
            pb.environment().putAll(env);
        }
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", argv) + " did not finish in two minutes");
            }
            return new Run(p.exitValue(), out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
