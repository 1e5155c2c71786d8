package dev.botbottle.it;

import dev.botbottle.core.provision.ProvisionEngine;
import dev.botbottle.gitgate.GitGate;
import dev.botbottle.gitgate.GitGateOptions;
import dev.botbottle.gitgate.GitGateProvider;
import dev.botbottle.gitgate.testing.SshUpstream;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GitPushPolicy;
import dev.botbottle.spi.GitRemote;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.core.plugin.Plugins;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The git gate seen from inside a real Docker bottle, with the bottle's real git: the upstream is a real OpenSSH
 * server on host loopback (which the bottle cannot reach; only the gate can), the bottle uses the upstream URLs
 * unchanged and the gate's URL rewrite sends them to the gate.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GitGateInBottleIT {

    private Path tmp;
    private SshUpstream upstream;
    private SshUpstream.ClientKey key;
    private BottleBackend backend;
    private String slug;
    private HostReach reach;
    private GitGate gate;
    private GitGate otherGate;
    private Bottle bottle;
    private String origin;
    private String sandbox;
    private String pinnedWrong;
    private String gone;
    private String repoA;

    @BeforeAll
    void start() throws Exception {
        Docker.assumeEngine();
        Optional<String> why = SshUpstream.unavailable();
        if (why.isPresent()) {
            System.out.println("SKIPPED: " + why.get());
        }
        Assumptions.assumeTrue(why.isEmpty(), why.orElse(""));
        tmp = Files.createTempDirectory("gitgate-bottle-it");
        upstream = SshUpstream.start();
        key = upstream.newClientKey("gate-key");
        upstream.authorize(key.publicLine());
        repoA = "widgets-" + UUID.randomUUID().toString().substring(0, 6);
        origin = upstream.createRepo(repoA);
        sandbox = upstream.createRepo("sandbox-" + repoA);
        pinnedWrong = upstream.createRepo("pinned-" + repoA);
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        gone = "ssh://" + SshUpstream.USER + "@127.0.0.1:" + closed + "/srv/gone.git";
        String wrongHostKey = upstream.newClientKey("not-the-host").publicLine();

        backend = Plugins.discover().backends().get("docker")
                .create(new BackendContext(tmp.resolve("home"), ProgressListener.NONE, Map.of()));
        slug = "gitgate-it-" + UUID.randomUUID().toString().substring(0, 6);
        BottleSpec spec = BottleSpec.builder(slug, "gitgate-it", ImageSpec.of(Docker.BASE_IMAGE)).build();
        reach = backend.prepare(spec);
        List<GitRemote> remotes = List.of(
                remote("origin", origin, upstream.hostKey(), GitPushPolicy.DEFAULTS),
                remote("sandbox", sandbox, upstream.hostKey(), GitPushPolicy.DEFAULTS.withAllowedBranches(List.of("agent/*"))),
                remote("pinned", pinnedWrong, wrongHostKey, GitPushPolicy.DEFAULTS),
                remote("gone", gone, upstream.hostKey(), GitPushPolicy.DEFAULTS));
        GitGateProvider provider = new GitGateProvider(GitGateOptions.defaults().withMirrorRoot(tmp.resolve("mirrors"))
                .withUpstreamTimeoutSeconds(15));
        gate = provider.start(GatewayRequest.builder(slug).bindAddress(reach.bindAddress())
                .stateDir(tmp.resolve("state").resolve(slug)).remotes(remotes).build());
        otherGate = provider.start(GatewayRequest.builder("another-bottle").bindAddress("127.0.0.1")
                .stateDir(tmp.resolve("state").resolve("another-bottle")).remotes(remotes.subList(0, 1)).build());
        backend.create(spec, reach, List.of(gate.port()));
        bottle = backend.start(slug);
        new ProvisionEngine(ProgressListener.NONE).apply(bottle, gate.bottleSteps(reach), Map.of());
    }

    private GitRemote remote(String name, String url, String hostKey, GitPushPolicy push) {
        return GitRemote.builder(name, url).identity(key.privateKey()).hostKey(hostKey).push(push).build();
    }

    @AfterAll
    void stop() {
        if (bottle != null) {
            bottle.close();
        }
        if (backend != null && slug != null) {
            backend.teardown(slug);
        }
        if (gate != null) {
            gate.close();
        }
        if (otherGate != null) {
            otherGate.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (tmp != null) {
            try (var walk = Files.walk(tmp)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temp dir is not a test failure
            }
        }
    }

    /** Runs a shell script as the agent, in a fresh directory; git is the bottle's own. */
    private ExecResult sh(String script) {
        return bottle.exec(ExecRequest.of("bash", "-c", "set -e; cd ~; " + script)
                .withEnv(Map.of("GIT_TERMINAL_PROMPT", "0", "GIT_AUTHOR_NAME", "Agent", "GIT_AUTHOR_EMAIL",
                        "agent@bottle.test", "GIT_COMMITTER_NAME", "Agent", "GIT_COMMITTER_EMAIL", "agent@bottle.test")));
    }

    private String workdir() {
        return "w-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String all(ExecResult r) {
        return r.stdoutText() + r.stderrText();
    }

    @Test
    void theBottleClonesCommitsAndPushesWithTheUpstreamUrlAndTheCommitLandsUpstream() {
        String w = workdir();
        ExecResult r = sh("git clone -q " + origin + " " + w + " && cd " + w
                + " && echo 'from the bottle " + w + "' > bottle.txt && git add bottle.txt && git commit -q -m 'from the bottle'"
                + " && git push -q origin main 2>&1 && git rev-parse HEAD");
        assertThat(r.exitCode()).as(all(r)).isZero();
        String pushed = r.stdoutText().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(upstream.ref(repoA, "refs/heads/main")).contains(pushed);
        assertThat(sh("git config --get-regexp '^url\\..*\\.insteadof$'").stdoutText()).contains(origin);
    }

    @Test
    void aFetchSeesACommitMadeUpstreamAfterLaunch() throws IOException {
        String w = workdir();
        assertThat(sh("git clone -q " + origin + " " + w).exitCode()).isZero();
        String theirs = upstream.commitUpstream(repoA, "main", "upstream-" + w + ".txt", "made upstream\n");
        ExecResult r = sh("cd " + w + " && git fetch -q origin && git rev-parse origin/main");
        assertThat(r.exitCode()).as(all(r)).isZero();
        assertThat(r.stdoutText().strip()).isEqualTo(theirs);
    }

    @Test
    void aCommitWithAFakeCloudKeyIsRefusedWithTheRuleAndTheCommitOnStderrAndNothingLands() {
        String w = workdir();
        ExecResult r = sh("git clone -q " + origin + " " + w + " && cd " + w
                + " && echo 'aws_key = AKIAIOSFODNN7EXAMPLE' > deploy.cfg && git add deploy.cfg"
                + " && git commit -q -m 'add deploy config' && git rev-parse HEAD && git push origin main");
        assertThat(r.exitCode()).isNotZero();
        String commit = r.stdoutText().strip();
        assertThat(r.stderrText()).contains("aws-access-key-id").contains(commit.substring(0, 7))
                .contains("deploy.cfg");
        assertThat(upstream.hasObject(repoA, commit)).isFalse();
    }

    @Test
    void aForcePushAndADeletionOfTheProtectedBranchAreRefused() {
        String w = workdir();
        ExecResult setup = sh("git clone -q " + origin + " " + w + " && cd " + w
                + " && echo one > f-" + w + " && git add . && git commit -q -m one && git push -q origin main 2>&1");
        assertThat(setup.exitCode()).as(all(setup)).isZero();
        String landed = upstream.ref(repoA, "refs/heads/main").orElseThrow();
        ExecResult force = sh("cd " + w + " && git push -f origin HEAD~1:main");
        assertThat(force.exitCode()).isNotZero();
        assertThat(force.stderrText()).contains("main is a protected branch: a force push");
        ExecResult delete = sh("cd " + w + " && git push origin :main");
        assertThat(delete.exitCode()).isNotZero();
        assertThat(delete.stderrText()).contains("main is a protected branch: deleting it is refused");
        assertThat(upstream.ref(repoA, "refs/heads/main")).contains(landed);
    }

    @Test
    void aBranchOutsideTheAllowedPatternsIsRefused() {
        String w = workdir();
        ExecResult control = sh("git clone -q " + sandbox + " " + w + " && cd " + w
                + " && echo x > x && git add x && git commit -q -m x && git push -q origin HEAD:agent/ok 2>&1");
        assertThat(control.exitCode()).as(all(control)).isZero();
        ExecResult r = sh("cd " + w + " && git push origin HEAD:feature/elsewhere");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderrText()).contains("branch feature/elsewhere is outside the allowed branches agent/*");
        assertThat(upstream.ref("sandbox-" + repoA, "refs/heads/feature/elsewhere")).isEmpty();
    }

    @Test
    void aWrongPinnedHostKeyIsRefusedShowingBothFingerprints() {
        ExecResult r = sh("git clone " + pinnedWrong + " " + workdir());
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderrText()).contains("remote error").contains("showed host key SHA256:")
                .contains("but the manifest pins SHA256:");
    }

    @Test
    void anUnreachableUpstreamFailsTheFetchWithTheReason() {
        ExecResult r = sh("git clone " + gone + " " + workdir());
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderrText()).contains("remote error").contains("cannot fetch from upstream 127.0.0.1:");
    }

    @Test
    void theGateRefusesRequestsWithoutTheBottlesSecretOrWithAnotherBottles() {
        String url = gate.url(reach, "origin");
        String base = url.substring(0, url.indexOf('/', "http://".length()));
        String otherSecret = otherGate.url(reach, "origin").split("/")[3];
        String code = "curl -s -o /dev/null -w '%{http_code} ' ";
        ExecResult r = sh(code + "'" + url + "/info/refs?service=git-upload-pack'; "
                + code + "'" + base + "/origin.git/info/refs?service=git-upload-pack'; "
                + code + "'" + base + "/" + otherSecret + "/origin.git/info/refs?service=git-upload-pack'");
        assertThat(r.stdoutText().strip()).isEqualTo("200 401 401");
    }

    @Test
    void theGatesKeyIsNowhereInTheBottle() throws IOException {
        theBottleClonesCommitsAndPushesWithTheUpstreamUrlAndTheCommitLandsUpstream();
        String body = Files.readAllLines(key.privateKey()).get(2);
        String pub = key.publicLine().split(" ")[1];
        ExecResult files = bottle.exec(ExecRequest.of("sh", "-c", "grep -rIl -F -e \"$0\" -e \"$1\" / --exclude-dir=proc"
                + " --exclude-dir=sys --exclude-dir=dev 2>/dev/null; true", body, pub.substring(20, 60)).asUser("root"));
        assertThat(files.stdoutText()).isEmpty();
        ExecResult procs = bottle.exec(ExecRequest.of("sh", "-c",
                "cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' '\\n'").asUser("root"));
        assertThat(procs.stdoutText()).doesNotContain(body).doesNotContain("PRIVATE KEY");
        assertThat(sh("ls -a ~/.ssh 2>/dev/null; env").stdoutText()).doesNotContain("id_").doesNotContain(body);
    }
}
