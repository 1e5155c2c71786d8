package dev.botbottle.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botbottle.spi.EgressRoute;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtendsTests {

    static final String KEY = BottleValidationTests.KEY;

    @TempDir
    Path tmp;
    ManifestFixture f;

    @BeforeEach
    void setUp() {
        f = new ManifestFixture(tmp);
    }

    private BottleDef bottle(String name) {
        ManifestLoader.LoadResult r = f.load();
        assertThat(r.problems()).isEmpty();
        return r.manifest().bottle(name).orElseThrow();
    }

    @Test
    void extendsTakesOneNameOrAList() {
        f.bottle("base", "env: {A: a}");
        f.bottle("other", "env: {B: b}");
        f.bottle("one", "extends: base");
        f.bottle("two", "extends: [base, other]");

        assertThat(bottle("one").env()).containsOnlyKeys("A");
        assertThat(bottle("two").env()).containsOnlyKeys("A", "B");
        assertThat(bottle("two").extendsNames()).containsExactly("base", "other");
    }

    @Test
    void selfExtendsIsAnError() {
        f.bottle("a", "extends: a");

        assertThat(f.rendered()).containsExactly("bottles/a.md:2: extends: bottle 'a' extends itself; remove 'a'"
                + " from extends");
    }

    @Test
    void cyclesAreErrorsShowingTheChainForEveryBottleInThem() {
        f.bottle("a", "extends: b");
        f.bottle("b", "", "extends: c");
        f.bottle("c", "extends: [a]");
        f.bottle("d", "extends: a");

        assertThat(f.rendered()).containsExactly(
                "bottles/a.md:2: extends: extends cycle: a → b → c → a; break it by removing one of these extends",
                "bottles/b.md:3: extends: extends cycle: b → c → a → b; break it by removing one of these extends",
                "bottles/c.md:2: extends: extends cycle: c → a → b → c; break it by removing one of these extends",
                "bottles/d.md:2: extends: extends 'a', which is invalid (chain: d → a); fix the errors of 'a' first");
        assertThat(f.load().manifest().bottles()).isEmpty();
    }

    @Test
    void missingParentIsAnErrorListingTheAvailableBottles() {
        f.bottle("child", "extends: [base, nope]");
        f.bottle("base");
        f.bottle("zeta");

        assertThat(f.rendered()).containsExactly("bottles/child.md:2: extends: extends 'nope', which is not a bottle;"
                + " available bottles: base, zeta");
    }

    @Test
    void nonStringValuesAreErrors() {
        f.bottle("a", "extends: [base, 1]");
        f.bottle("b", "extends: {base: true}");
        f.bottle("c", "extends: Base");
        f.bottle("base");

        assertThat(f.rendered()).containsExactly(
                "bottles/a.md:2: extends[1]: expected a bottle name or a list of bottle names, got a number",
                "bottles/b.md:2: extends: expected a bottle name or a list of bottle names, got a mapping",
                "bottles/c.md:2: extends: 'Base' is not a bottle name (must match ^[a-z][a-z0-9-]*$)");
    }

    @Test
    void anInvalidParentMakesItsChildrenInvalidNamingTheChain() {
        f.bottle("root", "supervise: maybe");
        f.bottle("mid", "extends: root");
        f.bottle("leaf", "extends: mid");

        assertThat(f.rendered()).containsExactly(
                "bottles/leaf.md:2: extends: extends 'mid', which is invalid (chain: leaf → mid → root); fix the"
                        + " errors of 'root' first",
                "bottles/mid.md:2: extends: extends 'root', which is invalid (chain: mid → root); fix the errors of"
                        + " 'root' first",
                "bottles/root.md:2: supervise: expected true or false, got a string");
    }

    @Test
    void envMergesByKeyAndTheChildWins() {
        f.bottle("base", "env: {A: base, B: base}");
        f.bottle("child", "extends: base", "env: {B: child, C: child}");

        assertThat(bottle("child").env()).containsExactly(
                java.util.Map.entry("A", new EnvValue.Literal("base")),
                java.util.Map.entry("B", new EnvValue.Literal("child")),
                java.util.Map.entry("C", new EnvValue.Literal("child")));
    }

    @Test
    void remotesMergeByNameAndPerField() {
        f.bottle("base", "git:", "  remotes:",
                "    origin: {url: 'git@a.example:o/r.git', identity: /k/a, host_key: " + KEY + "}",
                "    docs: {url: 'git@a.example:o/d.git', identity: /k/d, host_key: " + KEY + "}");
        f.bottle("child", "extends: base", "git:", "  remotes:",
                "    origin: {url: 'git@b.example:o/r.git'}",
                "    extra: {url: 'git@c.example:o/e.git', provisioned_key: {provider: gitea}, host_key: " + KEY
                        + "}");

        BottleDef child = bottle("child");

        assertThat(child.remotes()).containsOnlyKeys("origin", "docs", "extra");
        assertThat(child.remotes().get("origin").url()).isEqualTo("git@b.example:o/r.git");
        assertThat(child.remotes().get("origin").identity()).contains(Path.of("/k/a"));
        assertThat(child.remotes().get("docs").url()).isEqualTo("git@a.example:o/d.git");
    }

    @Test
    void aChildsKeyReplacesTheParentsKeyAsOneField() {
        f.bottle("base", "git:", "  remotes:",
                "    origin: {url: 'git@a.example:o/r.git', identity: /k/a, host_key: " + KEY + "}");
        f.bottle("child", "extends: base", "git:", "  remotes:", "    origin: {provisioned_key: {provider: gitea}}");

        BottleDef child = bottle("child");

        assertThat(child.remotes().get("origin").identity()).isEmpty();
        assertThat(child.remotes().get("origin").provisionedKey()).isPresent();
    }

    @Test
    void explicitEmptyRemotesClearTheParentsRemotes() {
        f.bottle("base", "git:", "  remotes:",
                "    origin: {url: 'git@a.example:o/r.git', identity: /k/a, host_key: " + KEY + "}",
                "  user: {name: Ada}");
        f.bottle("child", "extends: base", "git:", "  remotes: {}");
        f.bottle("keeps", "extends: base", "git:", "  user: {email: ada@example.com}");

        assertThat(bottle("child").remotes()).isEmpty();
        assertThat(bottle("child").gitUser()).contains(GitUser.of("Ada", null));
        assertThat(bottle("keeps").remotes()).containsOnlyKeys("origin");
        assertThat(bottle("keeps").gitUser()).contains(GitUser.of("Ada", "ada@example.com"));
    }

    @Test
    void otherBlocksAreReplacedWholesaleByTheChild() {
        f.bottle("base", "agent_provider: {template: claude, auth_token: TOKEN}", "image: base:1",
                "egress:", "  routes: [{host: a.example.com}, {host: b.example.com}]", "skills: [one, two]",
                "supervise: false", "resources: {cpus: 2, memory: 1g}");
        f.bottle("child", "extends: base", "agent_provider: {template: codex}", "image: {docker: child:1}",
                "egress:", "  routes: [{host: c.example.com}]", "skills: [three]", "supervise: true",
                "resources: {pids: 10}");
        f.bottle("inherits", "extends: base");

        BottleDef child = bottle("child");
        BottleDef inherits = bottle("inherits");

        assertThat(child.agentProvider().orElseThrow().settings()).isEmpty();
        assertThat(child.agentProvider().orElseThrow().template()).contains("codex");
        assertThat(child.image()).containsOnlyKeys("docker");
        assertThat(child.routes()).extracting(EgressRoute::host).containsExactly("c.example.com");
        assertThat(child.skills()).containsExactly("three");
        assertThat(child.supervise()).isTrue();
        assertThat(child.resources().cpus()).isEmpty();
        assertThat(child.resources().pids()).contains(10);
        assertThat(inherits.agentProvider().orElseThrow().settings()).containsEntry("auth_token", "TOKEN");
        assertThat(inherits.routes()).extracting(EgressRoute::host).containsExactly("a.example.com", "b.example.com");
        assertThat(inherits.supervise()).isFalse();
        assertThat(inherits.imageFor("docker")).contains("base:1");
    }

    @Test
    void severalParentsFoldLeftToRightAndTheChildWinsOverAll() {
        f.bottle("p1", "env: {A: p1, B: p1}", "egress:", "  routes: [{host: one.example.com}, {host: both.example.com}]",
                "supervise: false", "image: p1", "git: {user: {name: P1, email: p1@example.com}}");
        f.bottle("p2", "env: {B: p2, C: p2}", "egress:",
                "  routes: [{host: two.example.com}, {host: both.example.com, ports: [8443]}]", "image: p2",
                "git: {user: {name: P2}}");
        f.bottle("child", "extends: [p1, p2]", "env: {C: child}");

        BottleDef child = bottle("child");

        assertThat(child.env()).containsEntry("A", new EnvValue.Literal("p1"))
                .containsEntry("B", new EnvValue.Literal("p2")).containsEntry("C", new EnvValue.Literal("child"));
        assertThat(child.routes()).extracting(EgressRoute::host)
                .containsExactly("one.example.com", "both.example.com", "two.example.com");
        assertThat(child.routes().get(1).ports()).containsExactly(8443);
        assertThat(child.supervise()).isFalse();
        assertThat(child.imageFor("docker")).contains("p2");
        assertThat(child.gitUser()).contains(GitUser.of("P2", "p1@example.com"));
    }

    @Test
    void diamondsAreDeduplicated() {
        f.bottle("root", "egress:", "  routes: [{host: root.example.com}]", "env: {R: root}");
        f.bottle("left", "extends: root", "env: {L: left}");
        f.bottle("right", "extends: root", "env: {X: right}");
        f.bottle("child", "extends: [left, right]");

        BottleDef child = bottle("child");

        assertThat(child.routes()).extracting(EgressRoute::host).containsExactly("root.example.com");
        assertThat(child.env()).containsOnlyKeys("R", "L", "X");
    }

    @Test
    void aRemoteCompletedByNoLayerIsReportedWhereItIsDeclared() {
        f.bottle("child", "git:", "  remotes:", "    origin: {url: 'git@a.example:o/r.git', identity: /k}");

        assertThat(f.rendered()).singleElement().asString().startsWith("bottles/child.md:4: git.remotes.origin:"
                + " host_key is required");
        assertThat(f.load().manifest().bottle("child")).isEqualTo(Optional.empty());
    }
}
