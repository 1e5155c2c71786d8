package dev.botbottle.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hostile or unusual YAML is a problem with a location, never an exception. */
class YamlEdgeTests {

    @TempDir
    Path tmp;
    ManifestFixture f;

    @BeforeEach
    void setUp() {
        f = new ManifestFixture(tmp);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "1: x", "true: x", "null: x", "? [a, b]\n: x", "<<: {env: {A: x}}", "env: !!binary aGVsbG8=",
        "env: !custom {A: x}", "a: &x [1]\nb: *x", "%YAML 1.1\n---\nenv: {}", "env: {A: x}\n---\nenv: {}",
        "env:\n\t- x", "env: \"unterminated", "env: [1, 2", "env: {A: '\\u0000'}", "supervise: 0x1F",
        "resources: {pids: 99999999999999999999999}", "resources: {cpus: .nan}", "resources: {cpus: .inf}",
        "resources: {memory: 99999999999999999999t}", "image: {'*': ''}", "'': x", "extends: []",
        "git: {remotes: {origin: {url: 'ssh://h/', identity: '~', host_key: ssh-rsa AAAA}}}",
        "egress: {routes: [{host: '*.*.example.com'}]}", "egress: {routes: [{host: 'a..b'}]}",
        "env: {A: x, A: y}", "git: {user: {name: a, name: b}}"
    })
    void unusualYamlGivesProblemsOrAValidBottleNeverAnException(String yaml) {
        f.raw(f.home.resolve("bottles/b.md"), "---\n" + yaml + "\n---\n");

        ManifestLoader.LoadResult r = f.load();

        // a file with any error is left out; one without is in
        assertThat(r.manifest().bottles().containsKey("b")).isEqualTo(r.errors().isEmpty());
        assertThat(r.errors()).allSatisfy(p -> assertThat(p.file()).isEqualTo(f.home.resolve("bottles/b.md")));
    }

    @Test
    void deeplyNestedYamlIsAProblem() {
        f.raw(f.home.resolve("bottles/deep.md"), "---\nenv: " + "[".repeat(20_000) + "\n---\n");
        f.raw(f.home.resolve("bottles/deep-map.md"), "---\nenv: " + "{a: ".repeat(5_000) + "\n---\n");

        ManifestLoader.LoadResult r = f.load();

        assertThat(r.errors()).hasSize(2).allSatisfy(p -> assertThat(p.message()).isEqualTo("invalid YAML: nested too"
                + " deeply"));
    }

    @Test
    void complexKeysAreAProblemWithoutParserInternals() {
        f.raw(f.home.resolve("bottles/b.md"), "---\n? [a, b]\n: x\n---\n");

        assertThat(f.rendered()).containsExactly("bottles/b.md:2: invalid YAML: keys must be plain values (complex"
                + " keys such as '? [a, b]' are not supported)");
    }

    @Test
    void anAgentWithADuplicateKeyIsLeftOut() {
        f.agent("a", "p", "skills: [x]", "skills: [y]");

        assertThat(f.load().errors()).hasSize(1);
        assertThat(f.load().manifest().agents()).isEmpty();
    }

    @Test
    void anEmptyRootKeyAndAnEmptyExtendsListAreHandled() {
        f.bottle("b", "extends: []");

        assertThat(f.load().problems()).isEmpty();
        assertThat(f.load().manifest().bottle("b").orElseThrow().extendsNames()).isEmpty();
    }
}
