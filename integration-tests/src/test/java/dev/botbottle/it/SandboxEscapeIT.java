package dev.botbottle.it;

import dev.botbottle.contrib.gitea.GiteaDouble;
import dev.botbottle.core.escape.EscapeReport;
import dev.botbottle.core.escape.EscapeRow;
import dev.botbottle.core.escape.EscapeTest;
import dev.botbottle.core.escape.Outcome;
import dev.botbottle.core.manifest.ManifestLoader;
import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plan.Planner;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchOptions;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.egress.EgressOptions;
import dev.botbottle.egress.testing.LoopbackUpstream;
import dev.botbottle.egress.testing.TestPki;
import dev.botbottle.gitgate.testing.SshUpstream;
import dev.botbottle.spi.Decision;
import dev.botbottle.spi.Secret;
import dev.botbottle.supervise.SuperviseGatewayProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sandbox-escape suite (issue 16): two real bottles launched through the runtime from a realistic manifest —
 * the Claude provider with its credential, a git remote whose deploy key is provisioned through the Gitea double and
 * served by a real OpenSSH upstream, a route with auth, a plain route, a passthrough route, a wildcard route, a route
 * kept on the SSRF floor, supervise on — against loopback upstreams that record what they receive. Every
 * credential is a canary. The attacker script of {@code bottle doctor --escape-test} runs in the first bottle as its
 * agent user; the second bottle (an image without uid 1000) is the target of the attacks across bottles and runs the
 * container family too. The controls run first; the table is printed; the test fails on any attempt that got out,
 * went unaudited, or any control that failed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SandboxEscapeIT {

    static final String FORGE = "forge.escape.test";
    static final String OPEN = "open.escape.test";
    static final String PASS = "pass.escape.test";
    static final String WILD = "wild.escape.test";
    static final String FLOOR = "internal.escape.test";
    static final String CLAUDE_API = "api.anthropic.com";
    static final String ROOTLESS_IMAGE = "bot-bottle/escape-no-uid-1000:1";

    private final String claudeCanary = "sk-ant-oat01-canary-" + UUID.randomUUID().toString().replace("-", "");
    private final String forgeCanary = "forge-canary-" + UUID.randomUUID().toString().replace("-", "");
    private final String giteaToken = "gitea-canary-" + UUID.randomUUID();

    private Path home;
    private LoopbackUpstream upstream;
    private SshUpstream ssh;
    private GiteaDouble gitea;
    private BottleRuntime runtime;
    private Plugins plugins;
    private String prefix;
    private Path upstreamCa;
    private final List<String> resolved = new CopyOnWriteArrayList<>();
    private final List<String> slugs = new ArrayList<>();
    private EscapeReport report;

    @BeforeAll
    void start() throws IOException {
        Docker.assumeEngine();
        Optional<String> why = SshUpstream.unavailable();
        if (why.isPresent()) {
            System.out.println("SKIPPED: " + why.get());
        }
        Assumptions.assumeTrue(why.isEmpty(), why.orElse(""));
        home = Files.createTempDirectory("sandbox-escape-it");
        buildRootlessImage();
        TestPki pki = TestPki.create("sandbox-escape-upstream-ca");
        upstream = LoopbackUpstream.start(pki, List.of(FORGE, OPEN, PASS, CLAUDE_API, "*." + WILD, FLOOR), 8);
        upstreamCa = pki.writeCa(home);
        ssh = SshUpstream.start();
        gitea = GiteaDouble.start(giteaToken, new GiteaDouble.KeySink() {
            @Override
            public void added(String publicKey) throws IOException {
                ssh.authorize(publicKey);
            }

            @Override
            public void removed(String publicKey) throws IOException {
                ssh.revoke(publicKey);
            }
        }).repository("acme/widgets");
        String repo = ssh.createRepo("widgets");
        prefix = "esc" + UUID.randomUUID().toString().substring(0, 4);
        Manifests.write(home, "bottles/escape.md", """
                ---
                agent_provider: {template: claude, auth_token: ESCAPE_CLAUDE_TOKEN}
                env: {PROJECT: widgets}
                git:
                  user: {name: Escape Agent, email: escape@bottle.test}
                  remotes:
                    origin:
                      url: %s
                      provisioned_key: {provider: gitea, api_url: "%s", repository: acme/widgets, token_env: GITEA_TEST_TOKEN}
                      host_key: %s
                      push: {allowed_branches: ["agent/*"]}
                egress:
                  routes:
                    - host: %s
                      auth: {scheme: Bearer, token_ref: ESCAPE_FORGE_TOKEN}
                      matches: [{paths: [{type: prefix, value: /api/}, {type: prefix, value: /echo}]}]
                    - host: %s
                    - host: %s
                      tls_passthrough: true
                    - host: "*.%s"
                    - host: %s
                supervise: true
                ---
                """.formatted(repo, gitea.url(), ssh.hostKey(), FORGE, OPEN, PASS, WILD, FLOOR));
        Manifests.write(home, "bottles/escape-neighbour.md", "---\nextends: escape\nimage: " + ROOTLESS_IMAGE
                + "\n---\n");
        Manifests.write(home, "agents/escape-agent.md", "---\nbottle: escape\n---\nYou try to get out.\n");
        Manifests.write(home, "agents/escape-neighbour.md", "---\nbottle: escape-neighbour\n---\nYou are the target.\n");

        EgressOptions options = EgressOptions.defaults().withResolver((host, port) -> {
            resolved.add(host);
            return new InetSocketAddress("127.0.0.1", upstream.port());
        });
        plugins = Plugins.builder().backend(new OwnBottlesDocker(prefix))
                .gateway(new LoopbackEgress(options, Set.of(FLOOR))).gateway(new SuperviseGatewayProvider()).build();
        runtime = BottleRuntime.builder().host(host()).plugins(plugins).extraCaFile(upstreamCa)
                .supervisor(p -> Optional.of(Decision.reject("the escape test grants nothing"))).build();
    }

    /** An image with no user of uid 1000: the agent must still not be root. */
    private static void buildRootlessImage() throws IOException {
        if (Docker.run("docker", "image", "inspect", ROOTLESS_IMAGE).exitCode() == 0) {
            return;
        }
        Path ctx = Files.createTempDirectory("escape-rootless");
        Files.writeString(ctx.resolve("Dockerfile"), "FROM " + Docker.BASE_IMAGE + "\nRUN userdel -r agent\n");
        Docker.Result r = Docker.run("docker", "build", "-q", "-t", ROOTLESS_IMAGE, ctx.toString());
        assertThat(r.exitCode()).as(r.out()).isZero();
    }

    @AfterAll
    void stop() {
        if (runtime != null) {
            for (String slug : slugs) {
                try {
                    runtime.teardown(slug);
                } catch (RuntimeException e) {
                    System.out.println("teardown of " + slug + ": " + e.getMessage());
                }
            }
            runtime.close();
        }
        if (gitea != null) {
            gitea.close();
        }
        if (ssh != null) {
            ssh.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (home != null) {
            EgressBottle.deleteTree(home);
        }
    }

    private HostEnvironment host() {
        return new HostEnvironment(home, home, Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                "ESCAPE_CLAUDE_TOKEN", claudeCanary, "ESCAPE_FORGE_TOKEN", forgeCanary, "GITEA_TEST_TOKEN",
                giteaToken));
    }

    private RunningBottle launch(String agent) {
        BottlePlan plan = new Planner(plugins, host()).plan(ManifestLoader.forHome(home).loadStrict(), agent, "docker",
                Optional.of(prefix + "-" + agent.substring(7, 10) + UUID.randomUUID().toString().substring(0, 4)));
        slugs.add(plan.slug());
        return runtime.launch(plan, LaunchOptions.DEFAULTS);
    }

    @Test
    void everyWayOutFailsAndIsAudited() throws IOException {
        RunningBottle attacker = launch("escape-agent");
        RunningBottle neighbour = launch("escape-neighbour");
        EscapeWitness witness = new EscapeWitness(upstream, resolved, ssh, "widgets",
                List.of(claudeCanary, forgeCanary, giteaToken), Set.of(FORGE, CLAUDE_API));
        EscapeTest.Builder test = EscapeTest.builder(runtime, attacker).neighbour(neighbour)
                .stolen(Secret.of(forgeCanary)).witness(witness).passthroughCa(upstreamCa).floorHost(FLOOR)
                .progress((step, message) -> System.out.println("  " + message));
        // -Descape.only=REGEX reruns some attacks (the controls always run) while a fix is being made
        String only = System.getProperty("escape.only", "");
        if (!only.isBlank()) {
            java.util.regex.Pattern p = java.util.regex.Pattern.compile(only);
            test.only(a -> a.control() || p.matcher(a.id()).find());
        }
        for (String needle : List.of(forgeCanary, claudeCanary, giteaToken)) {
            test.needle(Secret.of(needle));
        }
        for (String slug : List.of(attacker.slug(), neighbour.slug())) {
            for (String line : Files.readAllLines(runtime.state().directory(slug).resolve("deploy-keys/origin.key"))) {
                if (line.length() >= 20 && !line.startsWith("-----")) {
                    test.needle(Secret.of(line));
                }
            }
        }
        report = test.build().run();
        System.out.println("\n=== sandbox-escape suite ===\n" + report.render());

        if (only.isBlank()) {
            assertThat(report.rows()).as("every family ran").extracting(r -> r.attempt().family())
                    .contains("control", "network", "proxy", "credentials", "host", "git", "supervise", "container");
        }
        assertThat(report.rows()).filteredOn(r -> r.attempt().control())
                .as("the controls show the allowed paths work").allSatisfy(r ->
                        assertThat(r.outcome()).as(r.attempt().id() + ": " + r.observed()).isEqualTo(Outcome.PASSED));
        assertThat(report.breaches()).as("attempts that got out or went unaudited")
                .extracting(EscapeRow::attempt).isEmpty();
        assertThat(report.rows()).filteredOn(r -> !r.attempt().control())
                .as("no attack was silently skipped in the suite's own setup")
                .noneMatch(r -> r.outcome() == Outcome.NOT_APPLICABLE);
        assertThat(report.passed()).isTrue();
        if (only.isBlank() || only.contains("ctr")) {
            assertThat(report.rows()).filteredOn(r -> r.bottle().equals(neighbour.slug()))
                    .as("the container family also ran in the bottle without uid 1000").isNotEmpty();
        }
    }
}
