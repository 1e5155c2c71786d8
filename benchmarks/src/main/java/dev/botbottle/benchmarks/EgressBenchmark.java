package dev.botbottle.benchmarks;

import dev.botbottle.egress.testing.TestPki;

import javax.net.ssl.SSLContext;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Side-by-side benchmark of the egress gateway as a user meets it: the gateway alone in its own JVM
 * ({@link GatewayMain}), squid (ssl_bump and splice) and no proxy, all on loopback against the same nginx HTTPS
 * upstream with the same client, in one run, reported as ratios: (a) cold, the first request through a new proxy
 * and requests/s in its first seconds; (b) warm requests/s with N keep-alive clients, and the first request to a
 * new host of a wildcard route (the gateway mints its leaf then) against the same to the upstream; (c) added
 * p50/p99 latency;
 * (d) download MB/s intercepted and passthrough; (e) upload MB/s (random bytes, and base64 text, the DLP's worst
 * case); (f) the gateway's RSS and heap per idle bottle.
 *
 * <p>Bounded in time and count; not run by CI. Arguments ({@code key=value}): {@code seconds} (measured seconds per
 * warm run, default 10), {@code cold} (seconds of the cold run, default 10), {@code warmup} (default 3),
 * {@code clients} (default 32), {@code latency} (requests, default 2000), {@code mib} (download size, default 512),
 * {@code upload} (MiB, default 256), {@code engines} ({@code native} or {@code jdk}), {@code bottles} (idle bottles
 * for the heap figure, default 20), {@code squid} (false to skip), {@code gatewayCp} (class path of the gateway
 * process; default this JVM's), {@code gatewayJvm} (its JVM options, space-separated; default {@code -Xmx1g}).
 */
public final class EgressBenchmark {

    private static final String HOST = "localhost";

    private EgressBenchmark() {
    }

    /** One thing to benchmark: how a client reaches the upstream and what it must trust ({@code caPem}). */
    private record Target(String name, int proxyPort, SSLContext trust, String proxyAuthorization, String caPem) {
        Target(String name, int proxyPort, String caPem, String proxyAuthorization) {
            this(name, proxyPort, TestPki.clientTrusting(caPem), proxyAuthorization, caPem);
        }

        /** @return the same with a new client TLS context: no session of an earlier connection to resume */
        Target withoutSessions() {
            return new Target(name, proxyPort, caPem, proxyAuthorization);
        }
    }

    /** A gateway in its own process. */
    private record Gateway(Process process, Target target, BufferedReader out, PrintWriter in) {
        String ask(String command, String prefix) throws Exception {
            in.println(command);
            in.flush();
            String line;
            while ((line = out.readLine()) != null && !line.startsWith(prefix)) {
                // lines before the answer (none are expected)
            }
            return line == null ? "" : line.substring(prefix.length()).trim();
        }

        long rssKib() throws Exception {
            for (String l : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        }
    }

    /**
     * @param args {@code key=value} settings, see the class comment
     * @throws Exception when a target cannot be set up
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("seconds", "10", "cold", "10", "warmup", "3",
                "clients", "32", "latency", "2000", "mib", "512", "upload", "256", "engines", "native",
                "bottles", "20", "squid", "true"));
        opt.put("gatewayCp", System.getProperty("java.class.path"));
        Arrays.stream(args).map(a -> a.split("=", 2)).forEach(kv -> opt.put(kv[0], kv[1]));
        int seconds = Integer.parseInt(opt.get("seconds"));
        int coldSeconds = Integer.parseInt(opt.get("cold"));
        int warmup = Integer.parseInt(opt.get("warmup"));
        int clients = Integer.parseInt(opt.get("clients"));
        int latencyCount = Integer.parseInt(opt.get("latency"));
        long mib = Long.parseLong(opt.get("mib"));
        long uploadMib = Long.parseLong(opt.get("upload"));
        boolean squid = Boolean.parseBoolean(opt.get("squid")) && ExternalProxies.installed("squid");

        Path dir = Files.createTempDirectory("egress-bench");
        List<AutoCloseable> open = new ArrayList<>();
        try (ExternalProxies ext = new ExternalProxies(dir)) {
            ExternalProxies.Nginx nginx = ext.nginx(List.of(16L << 20, mib << 20));
            int up = nginx.port();
            SSLContext upstreamTrust = TestPki.clientTrusting(nginx.caPem());
            Target direct = new Target("direct (no proxy)", -1, upstreamTrust, null, nginx.caPem());
            System.out.printf(Locale.ROOT, "upstream nginx https://%s:%d; %d cores, load average %s; %d clients;"
                    + " gateway engines %s, class path %s%n", HOST, up, Runtime.getRuntime().availableProcessors(),
                    loadAverage(), clients, opt.get("engines"), opt.get("gatewayCp").equals(
                    System.getProperty("java.class.path")) ? "this build" : opt.get("gatewayCp"));

            // (a) cold: a new gateway process / a new squid, first request, then the first seconds under load
            System.out.println();
            System.out.println("(a) cold: first request through a new proxy (new connection + GET, ms), then req/s of "
                    + clients + " clients in its first " + coldSeconds + " s");
            // the client's own first TLS connection and its JIT warm-up are not a proxy's cost: pay them against the
            // upstream first (without this the first proxy measured met a cold client, the later ones a warm one)
            firstRequest(direct, up);
            throughput(direct, up, clients, 0, warmup);
            Gateway gw = gateway(opt, dir.resolve("gw"), up, nginx.caFile(), "intercept");
            open.add(() -> stop(gw));
            Map<String, Double> coldRps = new LinkedHashMap<>();
            double gwFirst = firstRequest(gw.target(), up);
            coldRps.put(gw.target().name(), throughput(gw.target(), up, clients, 0, coldSeconds));
            Target bump = null;
            double squidFirst = Double.NaN;
            if (squid) {
                var s = ext.squid(nginx.caFile(), false);
                bump = new Target(s.name(), s.port(), s.caPem(), null);
                squidFirst = firstRequest(bump, up);
                coldRps.put(bump.name(), throughput(bump, up, clients, 0, coldSeconds));
            }
            // the same through the gateway program a bottle really gets (docker.gateway=process or container)
            long programStart = System.nanoTime();
            Program program = program(dir.resolve("program"), up, nginx.caFile());
            open.add(program.service());
            double programStartMs = (System.nanoTime() - programStart) / 1e6;
            double programFirst = firstRequest(program.target(), up);
            coldRps.put(program.target().name(), throughput(program.target(), up, clients, 0, coldSeconds));
            double directFirst = firstRequest(direct, up);
            System.out.printf(Locale.ROOT, "  first request: gateway %.1f ms, squid %.1f ms, direct %.1f ms; gateway"
                    + " program %.1f ms (started and warmed up in %.0f ms)%n", gwFirst, squidFirst, directFirst,
                    programFirst, programStartMs);
            coldRps.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-40s %10.0f req/s%n", k, v));

            List<Target> intercepting = new ArrayList<>(List.of(direct, gw.target()));
            if (bump != null) {
                intercepting.add(bump);
            }
            System.out.println();
            System.out.println("(b) warm intercepted HTTPS requests/s, " + clients + " keep-alive clients, GET / (2-byte"
                    + " body), best of 2");
            Map<String, Double> rps = new LinkedHashMap<>();
            for (Target t : intercepting) {
                double r = Math.max(throughput(t, up, clients, warmup, seconds), throughput(t, up, clients, warmup,
                        seconds));
                rps.put(t.name(), r);
                System.out.printf(Locale.ROOT, "  %-40s %10.0f req/s%n", t.name(), r);
            }
            double warmFirst = firstRequest(gw.target(), up);
            // the same from a client with no session to resume (as the cold first request's client had none)
            double warmFirstFull = firstRequest(gw.target().withoutSessions(), up);
            // a host the gateway has no leaf for yet (a wildcard route's): its leaf is minted on its first request;
            // the same new names straight to the upstream (no TLS session to resume on either side)
            double[] newHost = new double[5];
            double[] newHostDirect = new double[5];
            for (int i = 0; i < newHost.length; i++) {
                newHost[i] = firstRequest(gw.target(), "via" + i + "." + ExternalProxies.WILDCARD_BASE, up);
                newHostDirect[i] = firstRequest(direct, "direct" + i + "." + ExternalProxies.WILDCARD_BASE, up);
            }
            double newHostMs = median(newHost);
            double newHostDirectMs = median(newHostDirect);
            double programWarm = throughput(program.target(), up, clients, warmup, seconds);
            double programWarmFirst = firstRequest(program.target(), up);
            double programWarmFirstFull = firstRequest(program.target().withoutSessions(), up);
            System.out.printf(Locale.ROOT, "  %-40s %10.0f req/s%n", program.target().name(), programWarm);
            System.out.printf(Locale.ROOT, "  first request to a new host of a wildcard route (its leaf minted then),"
                    + " warm gateway: %.1f ms, direct %.1f ms (median of %d new names each)%n", newHostMs,
                    newHostDirectMs, newHost.length);

            System.out.println();
            System.out.println("(c) latency of one keep-alive client, GET / (microseconds)");
            double[] base = null;
            Map<String, double[]> lat = new LinkedHashMap<>();
            for (Target t : intercepting) {
                double[] l = latency(t, up, latencyCount);
                base = base == null ? l : base;
                lat.put(t.name(), new double[] {l[0] - base[0], l[1] - base[1]});
                System.out.printf(Locale.ROOT, "  %-40s p50 %7.0f  p99 %7.0f   added p50 %+7.0f  p99 %+7.0f%n",
                        t.name(), l[0], l[1], l[0] - base[0], l[1] - base[1]);
            }

            System.out.println();
            System.out.println("(d) download MB/s over one connection, GET of " + mib + " MiB (best of 3)");
            Map<String, Double> down = new LinkedHashMap<>();
            for (Target t : intercepting) {
                down.put(t.name(), download(t, up, mib << 20));
                System.out.printf(Locale.ROOT, "  %-40s %10.1f MB/s (intercepted)%n", t.name(), down.get(t.name()));
            }
            Gateway gwPass = gateway(opt, dir.resolve("gw-pass"), up, nginx.caFile(), "pass");
            open.add(() -> stop(gwPass));
            List<Target> passing = new ArrayList<>(List.of(gwPass.target()));
            if (squid) {
                var sp = ext.squid(nginx.caFile(), true);
                passing.add(new Target(sp.name(), sp.port(), upstreamTrust, null, nginx.caPem()));
            }
            Map<String, Double> pass = new LinkedHashMap<>();
            for (Target t : passing) {
                pass.put(t.name(), download(t, up, mib << 20));
                System.out.printf(Locale.ROOT, "  %-40s %10.1f MB/s (passthrough)%n", t.name(), pass.get(t.name()));
            }

            System.out.println();
            System.out.println("(e) upload MB/s over one connection, POST of " + uploadMib + " MiB (best of 2)");
            Random r = new Random(1);
            byte[] binary = new byte[1 << 20];
            r.nextBytes(binary);
            byte[] base64 = java.util.Base64.getEncoder().encodeToString(binary).substring(0, 1 << 20)
                    .getBytes(StandardCharsets.US_ASCII);
            Map<String, Double> upload = new LinkedHashMap<>();
            for (Target t : intercepting) {
                try {
                    upload.put(t.name(), upload(t, up, uploadMib << 20, binary));
                    System.out.printf(Locale.ROOT, "  %-40s %10.1f MB/s (random bytes)%n", t.name(),
                            upload.get(t.name()));
                } catch (java.io.IOException e) {
                    // a proxy that cannot carry the upload is a result, not the end of the run
                    upload.put(t.name(), Double.NaN);
                    System.out.printf(Locale.ROOT, "  %-40s failed: %s%n", t.name(), e);
                }
            }
            double gwBase64 = upload(gw.target(), up, uploadMib << 20, base64);
            System.out.printf(Locale.ROOT, "  %-40s %10.1f MB/s (base64 text)%n", gw.target().name(), gwBase64);

            System.out.println();
            long rss = gw.rssKib();
            long heap1 = Long.parseLong(gw.ask("heap", "HEAP"));
            int bottles = Integer.parseInt(opt.get("bottles"));
            gw.ask("more " + bottles, "STARTED");
            long heapN = Long.parseLong(gw.ask("heap", "HEAP"));
            long rssN = gw.rssKib();
            double perBottle = (heapN - heap1) / (double) bottles / (1 << 20);
            System.out.printf(Locale.ROOT, "(f) gateway process RSS after the runs %.0f MB; heap in use %.1f MB with 1"
                            + " bottle, %.1f MB with %d (%.2f MB heap per idle bottle; RSS %.0f MB)%n", rss / 1024.0,
                    heap1 / 1048576.0, heapN / 1048576.0, bottles + 1, perBottle, rssN / 1024.0);

            System.out.println();
            System.out.println("ratios (goal in brackets)");
            String g = gw.target().name();
            String sq = bump == null ? null : bump.name();
            String dn = direct.name();
            if (sq != null) {
                ratio("warm intercepted req/s, gateway / squid", rps.get(g) / rps.get(sq), ">= 2");
                ratio("cold (first " + coldSeconds + " s) req/s, gateway / squid", coldRps.get(g) / coldRps.get(sq),
                        ">= 1");
            }
            ratio("warm intercepted req/s, gateway / direct", rps.get(g) / rps.get(dn), "");
            ratio("first request, gateway cold / gateway warm (new connection)", gwFirst / warmFirst, "<= 2");
            ratio("first request, gateway program cold / warm", programFirst / programWarmFirst, "<= 2");
            ratio("first request, gateway cold / warm, client without a session to resume", gwFirst / warmFirstFull,
                    "");
            ratio("first request, gateway program cold / warm, client without a session", programFirst
                    / programWarmFirstFull, "");
            ratio("first request to a new wildcard host, gateway / direct", newHostMs / newHostDirectMs, "");
            if (sq != null) {
                ratio("cold (first " + coldSeconds + " s) req/s, gateway program / squid",
                        coldRps.get(program.target().name()) / coldRps.get(sq), ">= 1");
                ratio("warm intercepted req/s, gateway program / squid", programWarm / rps.get(sq), ">= 2");
            }
            ratio("passthrough download, gateway / direct", pass.get(gwPass.target().name()) / down.get(dn), ">= 0.95");
            ratio("intercepted download, gateway / direct", down.get(g) / down.get(dn), ">= 0.8");
            ratio("upload (random bytes), gateway / direct", upload.get(g) / upload.get(dn), "");
            ratio("upload (base64 text), gateway / direct", gwBase64 / upload.get(dn), "");
            if (sq != null) {
                ratio("intercepted download, squid / direct", down.get(sq) / down.get(dn), "");
                ratio("upload, squid / direct", upload.get(sq) / upload.get(dn), "");
            }
            System.out.printf(Locale.ROOT, "  %-62s %8.2f MB  [<= 8]%n", "heap per idle bottle", perBottle);
            System.out.printf(Locale.ROOT, "  %-62s %8.0f us p50, %.0f us p99%n", "added latency, gateway",
                    lat.get(g)[0], lat.get(g)[1]);
            System.out.println("load average at the end: " + loadAverage());
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
            deleteTree(dir);
        }
    }

    private static void ratio(String what, double v, String goal) {
        System.out.printf(Locale.ROOT, "  %-62s %8.2f  %s%n", what, v, goal.isEmpty() ? "" : "[" + goal + "]");
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static Gateway gateway(Map<String, String> opt, Path state, int up, Path ca, String mode)
            throws Exception {
        Files.createDirectories(state);
        List<String> argv = new ArrayList<>(List.of("java"));
        argv.addAll(Arrays.asList(opt.getOrDefault("gatewayJvm", "-Xmx1g").trim().split("\\s+")));
        argv.addAll(List.of("-cp", opt.get("gatewayCp"), GatewayMain.class.getName(), state.toString(),
                Integer.toString(up), ca.toString(), mode, opt.get("engines")));
        Process p = new ProcessBuilder(argv).redirectError(state.resolve("gateway.log").toFile()).start();
        // the log goes to a file: nobody reads a pipe while the clients run, and a full pipe would stall the gateway
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter in = new PrintWriter(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
            if (line.startsWith("STARTUP ")) {
                String[] f = line.split(" ");
                System.out.printf(Locale.ROOT, "  gateway %s: started in %s ms, then warmed up in %s ms (finished: %s)%n",
                        mode, f[1], f[2], f[3]);
            }
        }
        if (line == null) {
            throw new java.io.IOException("the gateway process ended before it was ready: "
                    + Files.readString(state.resolve("gateway.log")));
        }
        for (String l : Files.readAllLines(state.resolve("gateway.log"))) {
            if (l.contains("listening on") || l.contains("engine") || l.contains("fall")) {
                System.out.println("  gateway " + mode + ": " + l.replaceAll("^\\[[^]]*\\] ", ""));
            }
        }
        String[] f = line.split(" ", 3);
        String pem = mode.equals("pass") ? Files.readString(ca) : Files.readString(state.resolve("ca.pem"));
        return new Gateway(p, new Target("bot-bottle gateway" + (mode.equals("pass") ? " (tls_passthrough)" : ""),
                Integer.parseInt(f[1]), pem, f[2]), out, in);
    }

    /** The gateway program of a bottle, started by its launcher and runner as the runtime does. */
    private record Program(dev.botbottle.spi.GatewayService service, Target target) {
    }

    /**
     * Starts bottle-gateway's {@code GatewayMain} (egress only) through {@code ProcessGatewayLauncher} and
     * {@code HostProcessGatewayRunner}, the way {@code docker.gateway=process} does; the launch returns once the
     * program is ready (its warm-up done).
     */
    private static Program program(Path state, int up, Path upstreamCa) throws Exception {
        Files.createDirectories(state);
        dev.botbottle.spi.GatewayRequest request = dev.botbottle.spi.GatewayRequest.builder("bench-program")
                .bindAddress("127.0.0.1").stateDir(state).extraCaFiles(List.of(upstreamCa))
                .routes(List.of(dev.botbottle.spi.EgressRoute.builder(HOST).ports(List.of(up)).allowPrivate(true)
                        .build())).build();
        dev.botbottle.spi.GatewayService service = new dev.botbottle.gateway.ProcessGatewayLauncher()
                .withUpstreamAddresses(Map.of("*", "127.0.0.1:" + up))
                .launch(request, List.of("egress"), Map.of(), new dev.botbottle.spi.support.HostProcessGatewayRunner())
                .get(0);
        // as a launch does (Lifecycle): the bottle is handed over once its gateway services say they are ready
        if (!service.awaitReady(java.time.Duration.ofSeconds(30))) {
            System.out.println("  gateway program: its warm-up had not finished after 30 s");
        }
        String proxy = null;
        String ca = null;
        for (dev.botbottle.spi.ProvisionStep step : service.bottleSteps(new dev.botbottle.spi.HostReach("127.0.0.1",
                "127.0.0.1", "benchmark"))) {
            if (step instanceof dev.botbottle.spi.ProvisionStep.SetEnv env && env.name().equals("HTTPS_PROXY")) {
                proxy = env.value();
            } else if (step instanceof dev.botbottle.spi.ProvisionStep.TrustCertificate cert) {
                ca = cert.pem();
            }
        }
        if (proxy == null || ca == null) {
            service.close();
            throw new IllegalStateException("the gateway program gave no proxy address or CA to its bottle");
        }
        String userInfo = java.net.URI.create(proxy).getRawUserInfo();
        String authorization = "Basic " + java.util.Base64.getEncoder().encodeToString(
                java.net.URLDecoder.decode(userInfo, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
        return new Program(service, new Target("bot-bottle gateway program", service.port(), ca, authorization));
    }

    private static void stop(Gateway g) throws Exception {
        g.in().close();
        if (!g.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            g.process().destroyForcibly();
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        dev.botbottle.spi.support.HostFiles.deleteTree(dir);
    }

    /** @return ms for a new connection (CONNECT, TLS) and one GET */
    private static double firstRequest(Target t, int up) throws Exception {
        return firstRequest(t, HOST, up);
    }

    /** @return ms for a new connection (CONNECT, TLS) to {@code host} and one GET */
    private static double firstRequest(Target t, String host, int up) throws Exception {
        long s = System.nanoTime();
        try (BenchClient c = new BenchClient(t.proxyPort(), host, up, t.trust(), t.proxyAuthorization())) {
            long g = System.nanoTime();
            c.get("/");
            System.out.printf(Locale.ROOT, "    %s to %s: connect %.1f ms, TLS %.1f ms, GET %.1f ms%n", t.name(), host,
                    c.connectNanos / 1e6, c.handshakeNanos / 1e6, (System.nanoTime() - g) / 1e6);
        }
        return (System.nanoTime() - s) / 1e6;
    }

    private static double throughput(Target t, int up, int clients, int warmup, int seconds) throws Exception {
        AtomicLong counted = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + warmup * 1_000_000_000L;
        long end = measureFrom + seconds * 1_000_000_000L;
        CountDownLatch done = new CountDownLatch(clients);
        for (int i = 0; i < clients; i++) {
            Thread th = new Thread(() -> {
                try (BenchClient c = new BenchClient(t.proxyPort(), HOST, up, t.trust(), t.proxyAuthorization())) {
                    long now;
                    while ((now = System.nanoTime()) < end) {
                        c.get("/");
                        if (now >= measureFrom) {
                            counted.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    if (errors.getAndIncrement() == 0) {
                        System.out.println("  " + t.name() + ": client failed: " + e);
                    }
                } finally {
                    done.countDown();
                }
            }, "bench-client-" + i);
            th.setDaemon(true);
            th.start();
        }
        done.await();
        return counted.get() / (double) seconds;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v[v.length / 2];
    }

    private static double[] latency(Target t, int up, int count) throws Exception {
        long[] samples = new long[count];
        try (BenchClient c = new BenchClient(t.proxyPort(), HOST, up, t.trust(), t.proxyAuthorization())) {
            for (int i = 0; i < 300; i++) {
                c.get("/");
            }
            for (int i = 0; i < count; i++) {
                long s = System.nanoTime();
                c.get("/");
                samples[i] = System.nanoTime() - s;
            }
        }
        Arrays.sort(samples);
        return new double[] {samples[count / 2] / 1000.0, samples[(int) (count * 0.99)] / 1000.0};
    }

    private static double download(Target t, int up, long bytes) throws Exception {
        double best = 0;
        try (BenchClient c = new BenchClient(t.proxyPort(), HOST, up, t.trust(), t.proxyAuthorization())) {
            c.get("/bytes/" + (16 * 1024 * 1024)); // warm-up
            for (int i = 0; i < 3; i++) {
                long s = System.nanoTime();
                long got = c.get("/bytes/" + bytes);
                double secs = (System.nanoTime() - s) / 1e9;
                best = Math.max(best, got / 1e6 / secs);
            }
        }
        return best;
    }

    private static double upload(Target t, int up, long bytes, byte[] block) throws Exception {
        double best = 0;
        try (BenchClient c = new BenchClient(t.proxyPort(), HOST, up, t.trust(), t.proxyAuthorization())) {
            c.post("/upload", 4 << 20, block); // warm-up
            for (int i = 0; i < 2; i++) {
                long s = System.nanoTime();
                c.post("/upload", bytes, block);
                double secs = (System.nanoTime() - s) / 1e9;
                best = Math.max(best, bytes / 1e6 / secs);
            }
        }
        return best;
    }
}
