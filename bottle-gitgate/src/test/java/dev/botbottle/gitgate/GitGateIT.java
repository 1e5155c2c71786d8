package dev.botbottle.gitgate;

import dev.botbottle.gitgate.testing.SshUpstream;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GitPushPolicy;
import dev.botbottle.spi.GitRemote;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ProgressListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gate on host loopback between the host's real git (over smart HTTP) and a real OpenSSH upstream: what the
 * in-bottle tests check through Docker, here without it, plus the cases that need the gate's insides.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GitGateIT {

    static final HostReach LOOPBACK = new HostReach("127.0.0.1", "127.0.0.1", "loopback (test)");

    private SshUpstream upstream;
    private SshUpstream.ClientKey key;
    private Path tmp;
    private final List<GitGate> gates = new ArrayList<>();

    @BeforeAll
    void start() throws IOException {
        Optional<String> why = SshUpstream.unavailable();
        if (why.isPresent()) {
            System.out.println("SKIPPED: " + why.get());
        }
        Assumptions.assumeTrue(why.isEmpty(), why.orElse(""));
        upstream = SshUpstream.start();
        key = upstream.newClientKey("gate");
        upstream.authorize(key.publicLine());
        tmp = Files.createTempDirectory("gitgate-it");
    }

    @AfterAll
    void stop() {
        gates.forEach(GitGate::close);
        if (upstream != null) {
            upstream.close();
        }
        if (tmp != null) {
            delete(tmp);
        }
    }

    private GitRemote remote(String name, String url, String hostKey, GitPushPolicy push) {
        return new GitRemote(name, url, Optional.of(key.privateKey()), Optional.empty(), hostKey, push);
    }

    private GitGate gate(String slug, GitRemote... remotes) {
        GitGate g = new GitGateProvider(GitGateOptions.defaults().withMirrorRoot(tmp.resolve("mirrors"))
                .withUpstreamTimeoutSeconds(10))
                .start(new GatewayRequest(slug, "127.0.0.1", 0, tmp.resolve("state").resolve(slug), List.of(),
                        List.of(remotes), CredentialSource.none(), List.of(), ProgressListener.NONE));
        gates.add(g);
        return g;
    }

    /** The host's git, with the gate's URL rewrite the bottle gets, in {@code cwd}. */
    private SshUpstream.Result git(GitGate gate, GitRemote remote, Path cwd, String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "-c", "url." + gate.url(LOOPBACK, remote.name())
                + ".insteadOf=" + remote.url(), "-c", "user.name=Agent", "-c", "user.email=agent@bottle.test",
                "-c", "protocol.version=2"));
        argv.addAll(List.of(args));
        return SshUpstream.runIn(cwd, Map.of("GIT_TERMINAL_PROMPT", "0"), argv);
    }

    private Path cloneThrough(GitGate gate, GitRemote remote) {
        Path dir = tmp.resolve("clone-" + UUID.randomUUID());
        SshUpstream.Result r = git(gate, remote, tmp, "clone", "-q", remote.url(), dir.toString());
        assertThat(r.code()).as(r.out()).isZero();
        return dir;
    }

    private String commit(GitGate gate, GitRemote remote, Path work, String file, String content) throws IOException {
        Files.writeString(work.resolve(file), content);
        ok(git(gate, remote, work, "add", file));
        SshUpstream.Result c = git(gate, remote, work, "commit", "-q", "-m", "add " + file);
        assertThat(c.code()).as(c.out()).isZero();
        return git(gate, remote, work, "rev-parse", "HEAD").out().strip();
    }

    private String repo(String prefix) throws IOException {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
        upstream.createRepo(name);
        return name;
    }

    @Test
    void cloneCommitPushLandsUpstreamAndFetchSeesLaterUpstreamCommits() throws IOException {
        String repo = repo("basic");
        GitRemote origin = remote("origin", upstream.url(repo), upstream.hostKey(), GitPushPolicy.DEFAULTS);
        GitGate gate = gate("basic-" + repo.substring(repo.length() - 6), origin);
        Path work = cloneThrough(gate, origin);
        assertThat(work.resolve("README.md")).hasContent("# " + repo);

        String mine = commit(gate, origin, work, "notes.txt", "from the agent\n");
        SshUpstream.Result push = git(gate, origin, work, "push", "origin", "main");
        assertThat(push.code()).as(push.out()).isZero();
        assertThat(upstream.ref(repo, "refs/heads/main")).contains(mine);

        String theirs = upstream.commitUpstream(repo, "main", "later.txt", "after launch\n");
        SshUpstream.Result fetch = git(gate, origin, work, "fetch", "origin");
        assertThat(fetch.code()).as(fetch.out()).isZero();
        assertThat(git(gate, origin, work, "rev-parse", "origin/main").out().strip()).isEqualTo(theirs);
    }

    @Test
    void aRequestWithoutTheBottlesSecretOrWithAnotherBottlesGets401() throws Exception {
        String repo = repo("secret");
        GitRemote origin = remote("origin", upstream.url(repo), upstream.hostKey(), GitPushPolicy.DEFAULTS);
        GitGate mine = gate("mine-" + repo.substring(repo.length() - 6), origin);
        GitGate other = gate("other-" + repo.substring(repo.length() - 6), origin);
        HttpClient http = HttpClient.newHttpClient();
        String good = mine.url(LOOPBACK, "origin") + "/info/refs?service=git-upload-pack";
        // control: the bottle's own secret works
        assertThat(http.send(HttpRequest.newBuilder(URI.create(good)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);
        String base = "http://127.0.0.1:" + mine.port();
        String otherSecret = other.url(LOOPBACK, "origin").split("/")[3];
        for (String path : List.of("/origin.git/info/refs?service=git-upload-pack",
                "/" + otherSecret + "/origin.git/info/refs?service=git-upload-pack",
                "/" + otherSecret + "/origin.git/git-receive-pack")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(401);
        }
        SshUpstream.Result clone = SshUpstream.runIn(tmp, Map.of("GIT_TERMINAL_PROMPT", "0"), List.of("git", "clone",
                base + "/" + otherSecret + "/origin.git", tmp.resolve("stolen-" + UUID.randomUUID()).toString()));
        assertThat(clone.code()).isNotZero();
        assertThat(clone.out()).containsAnyOf("401", "could not read Username").doesNotContain("README");
    }

    @Test
    void aCommitCarryingAFakeCloudKeyIsRefusedNamingTheRuleAndTheCommitAndNothingLands() throws IOException {
        String repo = repo("dlp");
        GitRemote origin = remote("origin", upstream.url(repo), upstream.hostKey(), GitPushPolicy.DEFAULTS);
        GitGate gate = gate("dlp-" + repo.substring(repo.length() - 6), origin);
        Path work = cloneThrough(gate, origin);
        String before = upstream.ref(repo, "refs/heads/main").orElseThrow();
        // control: a clean commit goes through
        commit(gate, origin, work, "clean.txt", "nothing to see\n");
        ok(git(gate, origin, work, "push", "origin", "main"));

        String bad = commit(gate, origin, work, "config.env", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n");
        SshUpstream.Result push = git(gate, origin, work, "push", "origin", "main");
        assertThat(push.code()).isNotZero();
        assertThat(push.out()).contains("aws-access-key-id").contains(bad.substring(0, 7)).contains("config.env")
                .contains("[remote rejected]");
        assertThat(upstream.hasObject(repo, bad)).isFalse();
        assertThat(upstream.ref(repo, "refs/heads/main")).isNotEqualTo(Optional.of(before)).isNotEqualTo(Optional.of(bad));
    }

    @Test
    void theProtectedDefaultBranchRefusesForcePushAndDeletion() throws IOException {
        String repo = repo("protect");
        GitRemote origin = remote("origin", upstream.url(repo), upstream.hostKey(), GitPushPolicy.DEFAULTS);
        GitGate gate = gate("protect-" + repo.substring(repo.length() - 6), origin);
        Path work = cloneThrough(gate, origin);
        String head = upstream.ref(repo, "refs/heads/main").orElseThrow();
        // control: force pushing and deleting an unprotected branch work
        commit(gate, origin, work, "a.txt", "a\n");
        ok(git(gate, origin, work, "push", "origin", "HEAD:refs/heads/topic"));
        ok(git(gate, origin, work, "push", "-f", "origin", head + ":refs/heads/topic"));
        assertThat(upstream.ref(repo, "refs/heads/topic")).contains(head);
        ok(git(gate, origin, work, "push", "origin", ":refs/heads/topic"));
        assertThat(upstream.ref(repo, "refs/heads/topic")).isEmpty();

        commit(gate, origin, work, "b.txt", "b\n");
        ok(git(gate, origin, work, "push", "origin", "HEAD:refs/heads/main"));
        String landed = upstream.ref(repo, "refs/heads/main").orElseThrow();
        String rewritten = head;

        SshUpstream.Result force = git(gate, origin, work, "push", "-f", "origin", rewritten + ":refs/heads/main");
        assertThat(force.code()).isNotZero();
        assertThat(force.out()).contains("main is a protected branch: a force push");
        SshUpstream.Result delete = git(gate, origin, work, "push", "origin", ":refs/heads/main");
        assertThat(delete.code()).isNotZero();
        assertThat(delete.out()).contains("main is a protected branch: deleting it is refused");
        assertThat(upstream.ref(repo, "refs/heads/main")).contains(landed);
    }

    @Test
    void aBranchOutsideTheAllowedPatternsIsRefused() throws IOException {
        String repo = repo("allow");
        GitRemote origin = remote("origin", upstream.url(repo), upstream.hostKey(),
                GitPushPolicy.DEFAULTS.withAllowedBranches(List.of("agent/*")));
        GitGate gate = gate("allow-" + repo.substring(repo.length() - 6), origin);
        Path work = cloneThrough(gate, origin);
        String c = commit(gate, origin, work, "x.txt", "x\n");
        // control: a branch inside the pattern lands
        ok(git(gate, origin, work, "push", "origin", "HEAD:refs/heads/agent/fix-1"));
        assertThat(upstream.ref(repo, "refs/heads/agent/fix-1")).contains(c);

        SshUpstream.Result r = git(gate, origin, work, "push", "origin", "HEAD:refs/heads/feature");
        assertThat(r.code()).isNotZero();
        assertThat(r.out()).contains("branch feature is outside the allowed branches agent/*");
        assertThat(upstream.ref(repo, "refs/heads/feature")).isEmpty();
        SshUpstream.Result tag = git(gate, origin, work, "push", "origin", "HEAD:refs/tags/v1");
        assertThat(tag.out()).contains("tags cannot be pushed");
        assertThat(upstream.ref(repo, "refs/tags/v1")).isEmpty();
    }

    @Test
    void aPushOverTheSizeLimitIsRefused() throws IOException {
        String repo = repo("size");
        GitRemote origin = remote("origin", upstream.url(repo), upstream.hostKey(),
                GitPushPolicy.DEFAULTS.withMaxPushBytes(64 * 1024));
        GitGate gate = gate("size-" + repo.substring(repo.length() - 6), origin);
        Path work = cloneThrough(gate, origin);
        commit(gate, origin, work, "small.txt", "small\n");
        ok(git(gate, origin, work, "push", "origin", "main"));
        byte[] noise = new byte[512 * 1024];
        new java.util.Random(7).nextBytes(noise);
        Files.write(work.resolve("big.bin"), noise);
        git(gate, origin, work, "add", "big.bin");
        git(gate, origin, work, "commit", "-q", "-m", "big");
        String big = git(gate, origin, work, "rev-parse", "HEAD").out().strip();
        SshUpstream.Result r = git(gate, origin, work, "push", "origin", "main");
        assertThat(r.code()).isNotZero();
        assertThat(r.out()).containsIgnoringCase("limit");
        assertThat(upstream.hasObject(repo, big)).isFalse();
    }

    @Test
    void aWrongPinnedHostKeyFailsTheFetchShowingBothFingerprints() throws IOException {
        String repo = repo("hostkey");
        GitRemote good = remote("origin", upstream.url(repo), upstream.hostKey(), GitPushPolicy.DEFAULTS);
        // control: with the right key the same upstream clones
        cloneThrough(gate("hk-good-" + repo.substring(repo.length() - 6), good), good);
        String wrongKey = upstream.newClientKey("not-the-host-" + repo).publicLine();
        GitRemote wrong = remote("origin", upstream.url(repo), wrongKey, GitPushPolicy.DEFAULTS);
        GitGate gate = gate("hk-bad-" + repo.substring(repo.length() - 6), wrong);
        SshUpstream.Result r = git(gate, wrong, tmp, "clone", wrong.url(), tmp.resolve("x-" + UUID.randomUUID()).toString());
        assertThat(r.code()).isNotZero();
        String pinned = new dev.botbottle.gitgate.internal.PinnedHostKey(wrongKey).fingerprint();
        String shown = new dev.botbottle.gitgate.internal.PinnedHostKey(upstream.hostKey()).fingerprint();
        assertThat(r.out()).contains("remote error").contains(pinned).contains(shown);
    }

    @Test
    void anUnreachableUpstreamFailsTheFetchWithTheReason() throws IOException {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        GitRemote gone = remote("origin", "ssh://" + SshUpstream.USER + "@127.0.0.1:" + closed + "/nowhere.git",
                upstream.hostKey(), GitPushPolicy.DEFAULTS);
        GitGate gate = gate("gone-" + closed, gone);
        SshUpstream.Result r = git(gate, gone, tmp, "clone", gone.url(), tmp.resolve("y-" + UUID.randomUUID()).toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.out()).contains("remote error").contains("cannot fetch from upstream 127.0.0.1:" + closed);
    }

    @Test
    void theSecondBottleOfARepositoryBorrowsTheSharedMirrorsObjects() throws IOException {
        String repo = repo("shared");
        GitRemote origin = remote("origin", upstream.url(repo), upstream.hostKey(), GitPushPolicy.DEFAULTS);
        String first = "first-" + repo.substring(repo.length() - 6);
        String second = "second-" + repo.substring(repo.length() - 6);
        cloneThrough(gate(first, origin), origin);
        Path work = cloneThrough(gate(second, origin), origin);
        assertThat(work.resolve("README.md")).exists();
        Path bottleRepo = tmp.resolve("state").resolve(second).resolve("gitgate/repos/origin.git");
        assertThat(Files.readString(bottleRepo.resolve("objects/info/alternates"))).contains(tmp.resolve("mirrors").toString());
        try (Stream<Path> packs = Files.list(bottleRepo.resolve("objects/pack"))) {
            assertThat(packs.toList()).as("the second bottle's own objects").isEmpty();
        }
        try (Stream<Path> mirrors = Files.list(tmp.resolve("mirrors"))) {
            assertThat(mirrors.filter(p -> p.toString().endsWith(".git")).count()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void aMissingKeyFileFailsTheStartNamingTheRemote() {
        GitRemote bad = new GitRemote("origin", upstream.url("x"), Optional.of(tmp.resolve("no-such-key")),
                Optional.empty(), upstream.hostKey());
        assertThatThrownBy(() -> gate("nokey", bad)).isInstanceOf(BottleException.class)
                .hasMessageContaining("remote origin: the key file").hasMessageContaining("no-such-key");
    }

    @Test
    void theBottleStepsRewriteEveryRemoteToTheGateInARootOwnedConfig() throws IOException {
        String repo = repo("steps");
        GitRemote origin = remote("origin", upstream.url(repo), upstream.hostKey(), GitPushPolicy.DEFAULTS);
        GitGate gate = gate("steps-" + repo.substring(repo.length() - 6), origin);
        var steps = gate.bottleSteps(new HostReach("172.30.0.1", "172.30.0.1", "test"));
        assertThat(steps).hasSize(1);
        var run = (dev.botbottle.spi.ProvisionStep.RunCommand) steps.get(0);
        assertThat(run.owner()).isEqualTo(dev.botbottle.spi.FileOwner.ROOT);
        assertThat(run.argv().get(2)).contains(GitGate.BOTTLE_CONFIG).contains("--system");
        assertThat(run.argv().get(4)).contains("[url \"http://172.30.0.1:" + gate.port() + "/")
                .contains("\tinsteadOf = " + origin.url());
    }

    @Test
    void withoutRootTheRewritesGoIntoTheAgentsOwnConfigAndApplyingAgainReplacesThem() throws Exception {
        String repo = repo("rootless");
        GitRemote origin = remote("origin", upstream.url(repo), upstream.hostKey(), GitPushPolicy.DEFAULTS);
        GitGate gate = gate("rootless-" + repo.substring(repo.length() - 6), origin);
        Path home = Files.createDirectories(tmp.resolve("rootless-home-" + repo.substring(repo.length() - 6)));
        // the step as a bottle without root runs it: as a user other than root, with its home
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
            Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        for (String address : List.of("10.0.0.1", "10.0.0.2")) {
            var run = (dev.botbottle.spi.ProvisionStep.RunCommand) gate.bottleSteps(
                    new HostReach(address, address, "test")).get(0);
            List<String> argv = new java.util.ArrayList<>();
            if (root) {
                argv.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
            }
            argv.addAll(List.of("env", "HOME=" + home));
            argv.addAll(run.argv());
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(out).isZero();
        }
        Process get = new ProcessBuilder("env", "HOME=" + home, "git", "config", "--global", "--includes", "--get-regexp",
                "^url\\.").redirectErrorStream(true).start();
        String urls = new String(get.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(get.waitFor()).as(urls).isZero();
        assertThat(urls).as("the second application replaced the first").contains("http://10.0.0.2:" + gate.port())
                .doesNotContain("10.0.0.1").contains(origin.url());
        assertThat(Files.readString(home.resolve(".gitconfig"))).containsOnlyOnce(GitGate.ROOTLESS_CONFIG);
    }

    private static void ok(SshUpstream.Result r) {
        assertThat(r.code()).as(r.out()).isZero();
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp dir is not a test failure
        }
    }
}
