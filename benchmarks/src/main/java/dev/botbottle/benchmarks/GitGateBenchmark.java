package dev.botbottle.benchmarks;

import dev.botbottle.gitgate.GitGate;
import dev.botbottle.gitgate.GitGateOptions;
import dev.botbottle.gitgate.GitGateProvider;
import dev.botbottle.gitgate.testing.SshUpstream;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GitRemote;
import dev.botbottle.spi.HostReach;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The git gate against git straight to the same OpenSSH server, on host loopback, median of N runs (after one
 * warm-up run of each, not counted):
 * <ul>
 *   <li>push of a history of {@code commits} new commits (default 1,000), to a fresh copy of the upstream each run;</li>
 *   <li>clone of a repository of about {@code mib} MiB (default 50; incompressible files over 200 commits): the
 *       first bottle's (the gate's mirror is cold, each run a new mirror folder) and the second bottle's (another
 *       gate on the same, warm mirror), each both the moment its gate started and after the time a launch takes
 *       between the gate's start and the agent's first command (3.7 s; the gate warms its mirror meanwhile).</li>
 * </ul>
 * Settings as {@code key=value} arguments: {@code runs=5 commits=1000 mib=50}. The agent's side is the host's git in
 * both cases, over smart HTTP to the gate or over SSH to sshd; the gate reaches sshd over SSH (JGit, MINA SSHD).
 * Needs root (the sshd fixture). Prints one line per measurement and a summary with the ratios.
 */
public final class GitGateBenchmark {

    private static final HostReach LOOPBACK = new HostReach("127.0.0.1", "127.0.0.1", "loopback (benchmark)");
    /** The time between a gate's start and the agent's first command in a launch (README: about 3.7 s). */
    private static final long LAUNCH_MILLIS = 3700;

    private final SshUpstream upstream;
    private final SshUpstream.ClientKey key;
    private final Path tmp;
    private int gates;

    private GitGateBenchmark(SshUpstream upstream, SshUpstream.ClientKey key, Path tmp) {
        this.upstream = upstream;
        this.key = key;
        this.tmp = tmp;
    }

    /**
     * @param args {@code key=value} settings, see the class comment
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("runs", "5", "commits", "1000", "mib", "50"));
        Arrays.stream(args).map(a -> a.split("=", 2)).forEach(kv -> opt.put(kv[0], kv[1]));
        int runs = Integer.parseInt(opt.get("runs"));
        SshUpstream.unavailable().ifPresent(why -> {
            throw new IllegalStateException(why);
        });
        Path tmp = Files.createTempDirectory("gitgate-bench");
        try (SshUpstream up = SshUpstream.start()) {
            SshUpstream.ClientKey key = up.newClientKey("bench");
            up.authorize(key.publicLine());
            GitGateBenchmark b = new GitGateBenchmark(up, key, tmp);
            System.out.printf("git gate benchmark: %s, git %s, %d cores%n", opt,
                    SshUpstream.runIn(null, Map.of(), List.of("git", "--version")).out().strip(),
                    Runtime.getRuntime().availableProcessors());
            double[] push = b.push(Integer.parseInt(opt.get("commits")), runs);
            double[] clone = b.clones(Integer.parseInt(opt.get("mib")), runs);
            System.out.println();
            System.out.println("== summary (median of " + runs + ", seconds)");
            System.out.printf("push %s commits:   direct %.3f  gate %.3f  ratio %.2f (goal <= 1.3)%n", opt.get("commits"),
                    push[0], push[1], push[1] / push[0]);
            System.out.printf("first clone %s MiB, at gate start: direct %.3f  gate %.3f  ratio %.2f (goal <= 1.3)%n",
                    opt.get("mib"), clone[0], clone[1], clone[1] / clone[0]);
            System.out.printf("first clone, after a launch:     direct %.3f  gate %.3f  ratio %.2f (goal <= 1.3)%n",
                    clone[0], clone[2], clone[2] / clone[0]);
            System.out.printf("second clone, at gate start:     direct %.3f  gate %.3f  ratio %.2f (goal <= 0.5)%n",
                    clone[0], clone[3], clone[3] / clone[0]);
            System.out.printf("second clone, after a launch:    direct %.3f  gate %.3f  ratio %.2f (goal <= 0.5)%n",
                    clone[0], clone[4], clone[4] / clone[0]);
        } finally {
            delete(tmp);
        }
    }

    private GitGate gate(Path mirrors, GitRemote remote) {
        String slug = "bench-" + (++gates);
        return new GitGateProvider(GitGateOptions.defaults().withMirrorRoot(mirrors)).start(GatewayRequest
                .builder(slug).bindAddress("127.0.0.1").stateDir(tmp.resolve("state").resolve(slug))
                .remotes(List.of(remote)).build());
    }

    private GitRemote remote(String url) {
        return GitRemote.builder("origin", url).identity(key.privateKey()).hostKey(upstream.hostKey()).build();
    }

    /** The host's git through the gate: the upstream URL rewritten as in a bottle. */
    private List<String> viaGate(GitGate gate, GitRemote remote, String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "-c", "url." + gate.url(LOOPBACK, remote.name())
                + ".insteadOf=" + remote.url()));
        argv.addAll(List.of(args));
        return argv;
    }

    private static List<String> git(String... args) {
        List<String> argv = new ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        return argv;
    }

    private Map<String, String> sshEnv() {
        return Map.of("GIT_SSH_COMMAND", upstream.sshCommand(key.privateKey()), "GIT_TERMINAL_PROMPT", "0");
    }

    /** @return {direct, gate} medians */
    private double[] push(int commits, int runs) throws IOException {
        String seed = "push-seed";
        upstream.createRepo(seed);
        Path work = tmp.resolve("push-work");
        check(SshUpstream.runIn(tmp, sshEnv(), git("clone", "-q", upstream.url(seed), work.toString())));
        fastImport(work, commits, 64, "refs/heads/main");
        List<Double> direct = new ArrayList<>();
        List<Double> gated = new ArrayList<>();
        for (int i = 0; i <= runs; i++) {
            String d = copyOf(seed, "push-direct-" + i);
            double t = time(work, sshEnv(), git("push", "-q", upstream.url(d), "main"));
            if (i > 0) {
                direct.add(t);
            }
            System.out.printf("push direct run %d: %.3f s%s%n", i, t, i == 0 ? " (warm-up)" : "");

            String g = copyOf(seed, "push-gate-" + i);
            GitRemote remote = remote(upstream.url(g));
            try (GitGate gate = gate(tmp.resolve("mirrors-push-" + i), remote)) {
                // the agent has fetched the remote before it pushes (its clone)
                check(SshUpstream.runIn(work, Map.of(), viaGate(gate, remote, "fetch", "-q", remote.url())));
                t = time(work, Map.of("GIT_TERMINAL_PROMPT", "0"), viaGate(gate, remote, "push", "-q", remote.url(), "main"));
            }
            String expected = SshUpstream.runIn(work, Map.of(), git("rev-parse", "main")).out().strip();
            if (!upstream.ref(g, "refs/heads/main").orElse("").equals(expected)) {
                throw new IllegalStateException("the push through the gate did not land upstream");
            }
            if (i > 0) {
                gated.add(t);
            }
            System.out.printf("push gate   run %d: %.3f s%s%n", i, t, i == 0 ? " (warm-up)" : "");
        }
        return new double[]{median(direct), median(gated)};
    }

    /** @return {direct, first gate clone, second gate clone} medians */
    private double[] clones(int mib, int runs) throws IOException {
        String repo = "clone-" + mib + "mib";
        upstream.createRepo(repo);
        Path seedWork = tmp.resolve("clone-seed");
        check(SshUpstream.runIn(tmp, sshEnv(), git("clone", "-q", upstream.url(repo), seedWork.toString())));
        int files = Math.max(1, mib * 4);
        fastImport(seedWork, files, 256 * 1024, "refs/heads/main");
        check(SshUpstream.runIn(seedWork, sshEnv(), git("push", "-q", "origin", "main")));
        check(SshUpstream.runIn(null, Map.of(), List.of("git", "-c", "safe.directory=*", "--git-dir",
                upstream.repoDir(repo).toString(), "count-objects", "-vH")));
        System.out.println("upstream " + repo + ": " + SshUpstream.runIn(null, Map.of(), List.of("du", "-sh",
                upstream.repoDir(repo).toString())).out().strip());
        GitRemote remote = remote(upstream.url(repo));
        List<Double> direct = new ArrayList<>();
        List<Double> cold = new ArrayList<>();
        List<Double> first = new ArrayList<>();
        List<Double> secondNow = new ArrayList<>();
        List<Double> second = new ArrayList<>();
        for (int i = 0; i <= runs; i++) {
            String tag = i == 0 ? " (warm-up)" : "";
            Path d = tmp.resolve("clone-direct-" + i);
            double t = time(tmp, sshEnv(), git("clone", "-q", remote.url(), d.toString()));
            delete(d);
            System.out.printf("clone direct                      run %d: %.3f s%s%n", i, t, tag);
            // the first bottle, cloning the moment its gate started (it waits for the mirror's warm-up)
            Path mirrorsCold = tmp.resolve("mirrors-cold-" + i);
            double tc;
            try (GitGate g = gate(mirrorsCold, remote)) {
                tc = cloneVia(g, remote, "cold-" + i);
            }
            delete(mirrorsCold);
            System.out.printf("clone gate, first, at gate start  run %d: %.3f s%s%n", i, tc, tag);
            // the first bottle, cloning after its launch (the gate starts before the container is created)
            Path mirrors = tmp.resolve("mirrors-clone-" + i);
            double t1;
            double t2now;
            double t2;
            try (GitGate a = gate(mirrors, remote)) {
                pauseForLaunch();
                t1 = cloneVia(a, remote, "first-" + i);
            }
            try (GitGate b = gate(mirrors, remote)) {
                t2now = cloneVia(b, remote, "second-now-" + i);
            }
            try (GitGate c = gate(mirrors, remote)) {
                pauseForLaunch();
                t2 = cloneVia(c, remote, "second-" + i);
            }
            delete(mirrors);
            System.out.printf("clone gate, first, after launch   run %d: %.3f s%s%n", i, t1, tag);
            System.out.printf("clone gate, second, at gate start run %d: %.3f s%s%n", i, t2now, tag);
            System.out.printf("clone gate, second, after launch  run %d: %.3f s%s%n", i, t2, tag);
            if (i > 0) {
                direct.add(t);
                cold.add(tc);
                first.add(t1);
                secondNow.add(t2now);
                second.add(t2);
            }
        }
        return new double[]{median(direct), median(cold), median(first), median(secondNow), median(second)};
    }

    /** What a launch takes between the gate's start and the agent's first command (README: about 3.7 s). */
    private static void pauseForLaunch() {
        try {
            Thread.sleep(LAUNCH_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private double cloneVia(GitGate gate, GitRemote remote, String name) {
        Path dir = tmp.resolve("clone-" + name);
        double t = time(tmp, Map.of("GIT_TERMINAL_PROMPT", "0"), viaGate(gate, remote, "clone", "-q", remote.url(),
                dir.toString()));
        delete(dir);
        return t;
    }

    /** A copy of a bare upstream repository, so each push run starts from the same history. */
    private String copyOf(String seed, String name) {
        check(SshUpstream.runIn(null, Map.of(), List.of("cp", "-a", upstream.repoDir(seed).toString(),
                upstream.repoDir(name).toString())));
        upstream.chown(name);
        return name;
    }

    /** Appends {@code count} commits to {@code ref} of {@code work}, each adding one file of {@code bytes} bytes. */
    private static void fastImport(Path work, int count, int bytes, String ref) throws IOException {
        String base = SshUpstream.runIn(work, Map.of(), git("rev-parse", "HEAD")).out().strip();
        Process p = new ProcessBuilder("git", "fast-import", "--quiet").directory(work.toFile())
                .redirectErrorStream(true).start();
        Random random = new Random(42);
        try (OutputStream out = new java.io.BufferedOutputStream(p.getOutputStream(), 1 << 20)) {
            long ts = 1_700_000_000L;
            for (int i = 0; i < count; i++) {
                byte[] content = new byte[bytes];
                if (bytes > 1024) {
                    random.nextBytes(content);
                } else {
                    Arrays.fill(content, (byte) ('a' + i % 26));
                    content[bytes - 1] = '\n';
                }
                String msg = "commit " + i + "\n";
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                head.writeBytes(("commit " + ref + "\ncommitter Bench <bench@example.test> " + (ts + i) + " +0000\n"
                        + "data " + msg.length() + "\n" + msg + (i == 0 ? "from " + base + "\n" : "")
                        + "M 644 inline f/" + i + ".txt\ndata " + bytes + "\n").getBytes(StandardCharsets.UTF_8));
                out.write(head.toByteArray());
                out.write(content);
                out.write('\n');
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("git fast-import failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        check(SshUpstream.runIn(work, Map.of(), git("reset", "-q", "--hard", ref)));
    }

    private static double time(Path cwd, Map<String, String> env, List<String> argv) {
        long start = System.nanoTime();
        SshUpstream.Result r = SshUpstream.runIn(cwd, env, argv);
        double s = (System.nanoTime() - start) / 1e9;
        check(r);
        return s;
    }

    private static void check(SshUpstream.Result r) {
        if (r.code() != 0) {
            throw new IllegalStateException("command failed (" + r.code() + "): " + r.out());
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Comparator.naturalOrder());
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp dir is not a measurement failure
        }
    }
}
