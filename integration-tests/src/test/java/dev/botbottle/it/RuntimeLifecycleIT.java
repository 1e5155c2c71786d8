package dev.botbottle.it;

import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.manifest.ManifestLoader;
import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plan.PlanRenderer;
import dev.botbottle.core.plan.Planner;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.provision.ProvisioningException;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchOptions;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.GatewayServiceProvider;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.SuperviseService;
import dev.botbottle.supervise.SuperviseGatewayProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bottle lifecycle through the runtime, on the real Docker engine. */
class RuntimeLifecycleIT {

    @TempDir
    Path home;
    @TempDir
    Path workspace;

    private final List<String> slugs = new ArrayList<>();
    private BottleRuntime runtime;

    @BeforeEach
    void setUp() throws IOException {
        Docker.assumeEngine();
        Manifests.write(home, "bottles/plain.md", """
                ---
                image: %s
                agent_provider: {template: shell}
                env:
                  GREETING: hello from the manifest
                git:
                  user: {name: Bottle Bot, email: bot@example.com}
                ---
                """.formatted(Docker.BASE_IMAGE));
        Manifests.write(home, "bottles/missing-image.md", """
                ---
                image: bot-bottle/does-not-exist:nope
                agent_provider: {template: shell}
                ---
                """);
        Manifests.write(home, "bottles/failing.md", """
                ---
                image: %s
                agent_provider: {template: failing}
                ---
                """.formatted(Docker.BASE_IMAGE));
        Manifests.write(home, "agents/worker.md", """
                ---
                bottle: plain
                git:
                  user: {name: Worker Agent}
                ---
                Do the work.
                """);
        Manifests.write(home, "agents/ghost.md", "---\nbottle: missing-image\n---\n");
        Manifests.write(home, "agents/doomed.md", "---\nbottle: failing\n---\n");
        runtime = BottleRuntime.builder().host(host()).plugins(plugins()).build();
    }

    @AfterEach
    void tearDown() {
        if (runtime != null) {
            for (String slug : slugs) {
                try {
                    runtime.teardown(slug);
                } catch (RuntimeException ignored) {
                    // the test already failed or removed it
                }
            }
            runtime.close();
        }
    }

    @Test
    void launchExecStopResumeTeardownLeavesNothingBehind() throws IOException {
        Files.writeString(workspace.resolve("notes.txt"), "from the host\n");
        BottlePlan plan = plan("worker");
        slugs.add(plan.slug());
        RunningBottle bottle = runtime.launch(plan, LaunchOptions.DEFAULTS.withWorkspace(workspace));

        ExecResult id = bottle.exec("id", "-un");
        assertThat(id.stdoutText().strip()).isEqualTo("agent");
        assertThat(bottle.exec("cat", "PROMPT.md").stdoutText()).isEqualTo("Do the work.");
        assertThat(bottle.exec("cat", "workspace/notes.txt").stdoutText()).isEqualTo("from the host\n");
        assertThat(bottle.exec("git", "config", "--get", "user.name").stdoutText().strip()).isEqualTo("Worker Agent");
        assertThat(bottle.exec("git", "config", "--get", "user.email").stdoutText().strip()).isEqualTo("bot@example.com");
        assertThat(bottle.exec("sh", "-c", "echo $GREETING").stdoutText().strip()).isEqualTo("hello from the manifest");
        assertThat(home.resolve("state").resolve(plan.slug()).resolve("metadata.json")).exists();

        runtime.stop(plan.slug());
        assertThat(Docker.run("docker", "inspect", "-f", "{{.State.Running}}", "bb-" + plan.slug()).out().strip())
                .isEqualTo("false");

        // a new runtime, as another process would have: resume reads the backend from metadata
        try (BottleRuntime other = BottleRuntime.builder().host(host()).plugins(plugins()).build()) {
            RunningBottle resumed = other.resume(plan.slug());
            assertThat(resumed.exec("cat", "PROMPT.md").stdoutText()).isEqualTo("Do the work.");
            assertThat(resumed.exec("sh", "-c", "echo $GREETING").stdoutText().strip()).isEqualTo("hello from the manifest");
            other.teardown(plan.slug());
        }

        assertThat(Docker.containers(plan.slug())).isEmpty();
        assertThat(Docker.networks(plan.slug())).isEmpty();
        assertThat(home.resolve("state").resolve(plan.slug())).doesNotExist();
    }

    @Test
    void closingAnAttachedHandleLeavesTheBottleToItsHolder() {
        BottlePlan plan = plan("worker");
        slugs.add(plan.slug());
        RunningBottle held = runtime.launch(plan, LaunchOptions.DEFAULTS);
        assertThat(held.ownsBottle()).isTrue();

        try (BottleRuntime other = BottleRuntime.builder().host(host()).plugins(plugins()).build();
             RunningBottle attached = other.attach(plan.slug())) {
            assertThat(attached.ownsBottle()).isFalse();
            assertThat(attached.exec("cat", "PROMPT.md").stdoutText()).isEqualTo("Do the work.");
        }

        assertThat(Docker.bottleContainers(plan.slug())).hasSize(1);
        assertThat(held.exec("cat", "PROMPT.md").stdoutText()).isEqualTo("Do the work.");
        held.close();
        assertThat(Docker.containers(plan.slug())).isEmpty();
    }

    @Test
    void thePreflightClaimsExactlyTheServicesThatRun() throws IOException {
        Manifests.write(home, "bottles/remote.md", """
                ---
                image: %s
                agent_provider: {template: shell}
                git:
                  remotes:
                    origin:
                      url: ssh://git@git.example.com:2222/team/service.git
                      identity: %s/id_ed25519
                      host_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl
                ---
                """.formatted(Docker.BASE_IMAGE, home));
        Manifests.write(home, "agents/pusher.md", "---\nbottle: remote\n---\n");
        // the git gate checks that a remote's key file is readable when it starts (it reaches upstream only on fetch)
        Files.writeString(home.resolve("id_ed25519"), "a key file the gate never gets to use\n");
        Manifests.write(home, "bottles/quiet.md", "---\nimage: " + Docker.BASE_IMAGE
                + "\nagent_provider: {template: shell}\nsupervise: false\n---\n");
        Manifests.write(home, "agents/hush.md", "---\nbottle: quiet\n---\n");

        for (String agent : List.of("pusher", "hush")) {
            BottlePlan plan = plan(agent);
            slugs.add(plan.slug());
            String preflight = PlanRenderer.render(plan);
            RunningBottle bottle = runtime.launch(plan, LaunchOptions.DEFAULTS);
            boolean gate = bottle.gateway(GatewayServiceProvider.GIT_GATE, Object.class).isPresent();
            boolean supervised = bottle.gateway(GatewayServiceProvider.SUPERVISE, Object.class).isPresent();
            boolean egress = bottle.gateway(GatewayServiceProvider.EGRESS, EgressControl.class).isPresent();

            assertThat(preflight).as(agent).containsPattern("supervise: +" + (supervised ? "on"
                    : plan.supervise() ? "requested, but NOT AVAILABLE" : "off"));
            assertThat(preflight.contains("no egress gateway")).as(agent).isEqualTo(!egress);
            if (!plan.remotes().isEmpty()) {
                assertThat(preflight.contains("NOT SERVED: this build has no git gate")).as(agent).isEqualTo(!gate);
                assertThat(bottle.warnings().stream().anyMatch(w -> w.contains("no git gate"))).isEqualTo(!gate);
            }
            assertThat(bottle.warnings()).containsAll(plan.notices());
            runtime.teardown(plan.slug());
        }
    }

    @Test
    void theWorkspaceKeepsFileModesLinksInsideItAndItsGitRepository() throws IOException {
        Path script = Files.writeString(workspace.resolve("run.sh"), "#!/bin/sh\necho ran as $(id -un)\n");
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(workspace.resolve("docs"));
        Files.writeString(workspace.resolve("docs/guide.md"), "the guide\n");
        Files.createSymbolicLink(workspace.resolve("GUIDE.md"), Path.of("docs/guide.md"));
        Files.createSymbolicLink(workspace.resolve("host-secrets"), home.toAbsolutePath());
        Files.createSymbolicLink(workspace.resolve("escape"), Path.of("../../etc"));
        git("init", "-q");
        git("add", "run.sh", "docs", "GUIDE.md");
        git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "first");
        Files.writeString(workspace.resolve(".git/info/exclude"), "host-secrets\nescape\n", java.nio.file.StandardOpenOption.APPEND);

        BottlePlan plan = plan("worker");
        slugs.add(plan.slug());
        RunningBottle bottle = runtime.launch(plan, LaunchOptions.DEFAULTS.withWorkspace(workspace));

        assertThat(bottle.exec(ExecRequest.of("./run.sh").inDirectory("/home/agent/workspace")).stdoutText())
                .isEqualTo("ran as agent\n");
        assertThat(bottle.exec("sh", "-c", "cd workspace && readlink GUIDE.md && cat GUIDE.md").stdoutText())
                .isEqualTo("docs/guide.md\nthe guide\n");
        assertThat(bottle.exec("sh", "-c", "cd workspace; ls -A; stat -c %U run.sh docs .git").stdoutText())
                .doesNotContain("host-secrets").doesNotContain("escape").contains("agent\nagent\nagent");
        ExecResult status = bottle.exec(ExecRequest.of("git", "status", "--porcelain").inDirectory("/home/agent/workspace"));
        assertThat(status.exitCode()).as(status.stderrText()).isZero();
        assertThat(status.stdoutText()).isEmpty();
        assertThat(bottle.exec(ExecRequest.of("git", "log", "--format=%s").inDirectory("/home/agent/workspace"))
                .stdoutText()).isEqualTo("first\n");
    }

    private void git(String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("git", "-C", workspace.toString()));
        argv.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(out).isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void outsideNamesFailAtOnceAndEveryAttemptIsAudited() {
        BottlePlan plan = plan("worker");
        slugs.add(plan.slug());
        RunningBottle bottle = runtime.launch(plan, LaunchOptions.DEFAULTS);
        // control: the engine still answers the bottle's own name, so the resolver path works
        assertThat(bottle.exec("getent", "hosts", "bb-" + plan.slug()).exitCode()).isZero();

        ExecResult lookup = bottle.exec("sh", "-c", "start=$(date +%s%N); getent hosts dns-canary.example.com;"
                + " echo \"rc=$? ms=$(( ($(date +%s%N) - start) / 1000000 ))\"");
        System.out.println("in-bottle lookup of an outside name: " + lookup.stdoutText().strip());

        assertThat(lookup.stdoutText()).contains("rc=2"); // "not found", not an answer
        EgressControl egress = bottle.gateway("egress", EgressControl.class).orElseThrow();
        // the audit line is written before the answer is sent: its presence shows the responder answered
        assertThat(egress.readAudit()).anySatisfy(e -> {
            assertThat(e.method()).isEqualTo("DNS");
            assertThat(e.host()).isEqualTo("dns-canary.example.com");
            assertThat(e.verdict()).isEqualTo(EgressAuditEntry.Verdict.DENY);
        });
        // curl without the proxy fails on the name, not on a time-out
        ExecResult direct = bottle.exec("curl", "-sS", "--noproxy", "*", "https://dns-canary.example.com/");
        assertThat(direct.exitCode()).isEqualTo(6);
        assertThat(direct.stderrText()).contains("Could not resolve host");
    }

    @Test
    void theAgentProviderRegistersTheSuperviseServerOnlyWhenTheBottleWantsIt() throws IOException {
        BottlePlan plan = plan("worker");
        slugs.add(plan.slug());
        RunningBottle bottle = runtime.launch(plan, LaunchOptions.DEFAULTS);
        assertThat(bottle.exec("sh", "-c", "echo $BOT_BOTTLE_SUPERVISE_URL").stdoutText().strip())
                .matches("http://[0-9.]+:[0-9]+/mcp");
        // the bearer reaches execs through the variable the endpoint names, and no file in the bottle
        var reach = runtime.state().readMetadata(plan.slug()).orElseThrow().reach();
        String bearer = bottle.gateway("supervise", SuperviseService.class).orElseThrow().endpoint(reach).bearer().reveal();
        assertThat(bottle.exec("sh", "-c", "echo $BOT_BOTTLE_SUPERVISE_TOKEN").stdoutText().strip()).isEqualTo(bearer);
        assertThat(bottle.exec(ExecRequest.of("sh", "-c", "grep -rlsF \"$0\" /home /etc /tmp || true",
                bearer.substring(20))).stdoutText()).isEmpty();
        runtime.teardown(plan.slug());

        Manifests.write(home, "bottles/quiet.md", "---\nimage: " + Docker.BASE_IMAGE + "\nagent_provider: {template: shell}\nsupervise: false\n---\n");
        Manifests.write(home, "agents/hush.md", "---\nbottle: quiet\n---\n");
        BottlePlan quiet = plan("hush");
        slugs.add(quiet.slug());
        RunningBottle hushed = runtime.launch(quiet, LaunchOptions.DEFAULTS);
        assertThat(hushed.exec("sh", "-c", "echo [$BOT_BOTTLE_SUPERVISE_URL]").stdoutText().strip()).isEqualTo("[]");
        assertThat(hushed.gateways()).extracting(g -> g.name()).doesNotContain("supervise");
    }

    @Test
    void aResumeWhosePortWasTakenMovesTheGatewayAndTellsTheBottle() throws IOException {
        BottlePlan plan = plan("worker");
        slugs.add(plan.slug());
        RunningBottle bottle = runtime.launch(plan, LaunchOptions.DEFAULTS);
        String before = bottle.exec("sh", "-c", "echo $HTTPS_PROXY").stdoutText().strip();
        runtime.stop(plan.slug());
        var metadata = runtime.state().readMetadata(plan.slug()).orElseThrow();
        int oldPort = metadata.gatewayPorts().get("egress");
        boolean onHost = java.net.NetworkInterface.getByInetAddress(
                java.net.InetAddress.getByName(metadata.reach().bindAddress())) != null;
        if (!onHost) {
            System.out.println("SKIPPED: the gateway of " + plan.slug() + " listens in a container's network namespace"
                    + " (docker.gateway=container), where this test cannot take its port");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(onHost, "the gateway's address is not on this host");
        try (java.net.ServerSocket squatter = new java.net.ServerSocket(oldPort, 1,
                java.net.InetAddress.getByName(metadata.reach().bindAddress()))) {
            RunningBottle resumed = runtime.resume(plan.slug());
            String after = resumed.exec("sh", "-c", "echo $HTTPS_PROXY").stdoutText().strip();
            assertThat(after).isNotEqualTo(before).doesNotEndWith(":" + oldPort);
            assertThat(resumed.exec("sh", "-lc", "echo $HTTPS_PROXY").stdoutText().strip()).isEqualTo(after);
            // the gateway answers on its new port: a host with no route gets its 403
            assertThat(resumed.exec("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://example.com/")
                    .stdoutText()).isEqualTo("403");
        }
    }

    @Test
    void aLaunchWithAMissingImageLeavesNothingBehind() {
        BottlePlan plan = plan("ghost");
        slugs.add(plan.slug());
        assertThatThrownBy(() -> runtime.launch(plan, LaunchOptions.DEFAULTS))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("bot-bottle/does-not-exist:nope");
        assertThat(Docker.containers(plan.slug())).isEmpty();
        assertThat(Docker.networks(plan.slug())).isEmpty();
        assertThat(home.resolve("state").resolve(plan.slug())).doesNotExist();
    }

    @Test
    void aLaunchWhoseProvisioningFailsLeavesNothingBehind() {
        BottlePlan plan = plan("doomed");
        slugs.add(plan.slug());
        assertThatThrownBy(() -> runtime.launch(plan, LaunchOptions.DEFAULTS))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("deliberately failing step")
                .hasMessageContaining("no such luck");
        assertThat(Docker.containers(plan.slug())).isEmpty();
        assertThat(Docker.networks(plan.slug())).isEmpty();
        assertThat(home.resolve("state").resolve(plan.slug())).doesNotExist();
    }

    private BottlePlan plan(String agent) {
        Manifest manifest = ManifestLoader.forHome(home).loadStrict();
        return new Planner(plugins(), host()).plan(manifest, agent, "docker", Optional.empty());
    }

    private HostEnvironment host() {
        return new HostEnvironment(home, home, Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
    }

    private Plugins plugins() {
        return Plugins.builder().agent(new ScriptedProvider("failing", List.of(new ProvisionStep.RunCommand(
                List.of("sh", "-c", "echo no such luck >&2; exit 1"), FileOwner.AGENT, false, "deliberately failing step")))).gateway(new SuperviseGatewayProvider()).build();
    }
}
