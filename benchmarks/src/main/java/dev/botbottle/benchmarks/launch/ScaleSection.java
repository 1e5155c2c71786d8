package dev.botbottle.benchmarks.launch;

import dev.botbottle.core.manifest.ManifestLoader;
import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plan.Planner;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchOptions;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.egress.EgressGatewayProvider;
import dev.botbottle.egress.EgressOptions;
import dev.botbottle.egress.testing.LoopbackUpstream;
import dev.botbottle.egress.testing.TestPki;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.ExecResult;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many bottles under one JVM: for each count, that many bottles are launched at once (one thread each, released
 * together), then every bottle must reach its own allowed host through its own gateway (HTTP 200 from the loopback
 * upstream) and be refused another bottle's host (403, to the request or to the proxy CONNECT); reported are launch p50/p95, the heap the idle bottles hold
 * (after collecting garbage, over the runtime's own before the launch, per bottle) and the process's resident memory
 * per bottle. The bottles are the demo's shell bottle with supervise on; each has one route of its own.
 */
final class ScaleSection {

    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

    private final Path home;
    private final List<Integer> counts;
    private final LaunchBenchmark.Report report;

    ScaleSection(Path home, List<Integer> counts, LaunchBenchmark.Report report) {
        this.home = home;
        this.counts = counts;
        this.report = report;
    }

    void run() throws IOException, InterruptedException {
        int max = counts.stream().mapToInt(Integer::intValue).max().orElse(1);
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            hosts.add(host(i));
        }
        Files.writeString(home.resolve("bottles/scaled.md"), """
                ---
                agent_provider: {template: shell}
                image: bot-bottle/base:bookworm
                ---
                """);
        Files.writeString(home.resolve("agents/scaler.md"), "---\nbottle: scaled\n---\nScale.\n");
        TestPki pki = TestPki.create("bench-scale-ca");
        Path ca = pki.writeCa(Files.createTempDirectory("bench-scale-ca"));
        report.line("");
        report.line("## scale: bottles launched at once under one JVM (load " + LaunchBenchmark.load() + ")");
        report.line(String.format(Locale.ROOT, "%-8s %-14s %-14s %-14s %-18s %-18s %-18s %s", "bottles",
                "launch p50", "launch p95", "all ready", "heap/bottle", "RSS/bottle", "teardown p50", "checks"));
        try (LoopbackUpstream upstream = LoopbackUpstream.start(pki, hosts, 8)) {
            upstream.recording(false);
            int port = upstream.port();
            EgressOptions options = EgressOptions.defaults()
                    .withResolver((h, p) -> new InetSocketAddress("127.0.0.1", port));
            Plugins plugins = Plugins.builder().gateway(new EgressGatewayProvider(options)).build();
            HostEnvironment host = new HostEnvironment(home, Path.of(System.getProperty("user.home")), System.getenv());
            Planner planner = new Planner(plugins, host);
            var manifest = ManifestLoader.forHome(home).loadStrict();
            try (BottleRuntime runtime = BottleRuntime.builder().host(host).plugins(plugins).extraCaFile(ca).build()) {
                // one bottle first, so the first count does not pay the JVM's warm-up alone
                once(runtime, plan(planner, manifest, "scale-warm", 0, port)).close();
                for (int count : counts) {
                    measure(runtime, planner, manifest, count, port);
                }
            }
        }
    }

    private void measure(BottleRuntime runtime, Planner planner, dev.botbottle.core.manifest.Manifest manifest,
                         int count, int port) throws InterruptedException {
        long heapBefore = LaunchBenchmark.usedHeapAfterGc();
        long rssBefore = rss();
        List<BottlePlan> plans = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            plans.add(plan(planner, manifest, "scale-" + count + "-" + i, i, port));
        }
        ExecutorService pool = Executors.newFixedThreadPool(count);
        CountDownLatch go = new CountDownLatch(1);
        Samples launches = new Samples();
        List<Future<RunningBottle>> futures = new ArrayList<>();
        for (BottlePlan plan : plans) {
            futures.add(pool.submit(() -> {
                go.await();
                long t0 = System.nanoTime();
                RunningBottle b = runtime.launch(plan, LaunchOptions.DEFAULTS);
                launches.addNanos(System.nanoTime() - t0);
                return b;
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        List<RunningBottle> bottles = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Future<RunningBottle> f : futures) {
            try {
                bottles.add(f.get());
            } catch (java.util.concurrent.ExecutionException e) {
                failures.add(String.valueOf(e.getCause()));
            }
        }
        double allReady = (System.nanoTime() - start) / 1e6;
        int passed = 0;
        for (int i = 0; i < bottles.size(); i++) {
            RunningBottle b = bottles.get(i);
            int own = Integer.parseInt(b.slug().replaceAll("^scale-\\d+-(\\d+)$", "$1"));
            String mine = curl(b, host(own), port);
            String other = curl(b, host(own + 1), port);
            if (mine.equals("200") && refused(other)) {
                passed++;
            } else {
                failures.add(b.slug() + ": own host " + mine + ", another's " + other);
            }
        }
        double heapPerBottle = (LaunchBenchmark.usedHeapAfterGc() - heapBefore) / (double) Math.max(1, bottles.size());
        double rssPerBottle = (rss() - rssBefore) / (double) Math.max(1, bottles.size());
        Samples teardowns = new Samples();
        List<Future<?>> removals = new ArrayList<>();
        for (RunningBottle b : bottles) {
            removals.add(pool.submit(() -> {
                long t0 = System.nanoTime();
                b.close();
                teardowns.addNanos(System.nanoTime() - t0);
            }));
        }
        for (Future<?> f : removals) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                failures.add("teardown: " + e.getCause());
            }
        }
        pool.shutdown();
        report.line(String.format(Locale.ROOT, "%-8d %-14s %-14s %-14s %-18s %-18s %-18s %d/%d reach own host and not another's%s",
                count, Samples.ms(launches.quantile(0.5)), Samples.ms(launches.quantile(0.95)), Samples.ms(allReady),
                String.format(Locale.ROOT, "%.2f MiB", heapPerBottle / (1 << 20)),
                String.format(Locale.ROOT, "%.1f MiB", rssPerBottle / (1 << 20)),
                Samples.ms(teardowns.quantile(0.5)), passed, count,
                failures.isEmpty() ? "" : "; FAILURES: " + failures));
    }

    private static RunningBottle once(BottleRuntime runtime, BottlePlan plan) {
        return runtime.launch(plan, LaunchOptions.DEFAULTS);
    }

    private static BottlePlan plan(Planner planner, dev.botbottle.core.manifest.Manifest manifest, String label,
                                   int index, int port) {
        BottlePlan plan = planner.plan(manifest, "scaler", "docker", Optional.of(label));
        return plan.withRoutes(List.of(EgressRoute.builder(host(index)).ports(List.of(port)).allowPrivate(true)
                .build()));
    }

    private static String host(int i) {
        return "b" + i + ".bench.test";
    }

    /**
     * @return the HTTP status curl got for the host through the bottle's gateway; when there is none, the status the
     *         proxy answered the CONNECT with ({@code connect 403}), or curl's exit code
     */
    private static String curl(RunningBottle b, String host, int port) {
        ExecResult r = b.exec("curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{http_connect}", "--max-time", "20",
                "https://" + host + ":" + port + "/");
        String[] codes = r.stdoutText().strip().split(" ");
        if (codes.length == 2 && !codes[0].equals("000")) {
            return codes[0];
        }
        if (codes.length == 2 && !codes[1].equals("000")) {
            return "connect " + codes[1];
        }
        return "exit " + r.exitCode();
    }

    /** @return whether the gateway refused the host: a 403 to the request, or to the CONNECT a proxy client sends */
    private static boolean refused(String answer) {
        return answer.equals("403") || answer.equals("connect 403");
    }

    /** @return this process's resident set in bytes */
    private static long rss() {
        try {
            Matcher m = RSS.matcher(Files.readString(Path.of("/proc/self/status")));
            return m.find() ? Long.parseLong(m.group(1)) * 1024 : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
