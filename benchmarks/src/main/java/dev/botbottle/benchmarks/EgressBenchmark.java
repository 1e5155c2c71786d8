package dev.botbottle.benchmarks;

import dev.botbottle.egress.EgressGateway;
import dev.botbottle.egress.EgressGatewayProvider;
import dev.botbottle.egress.EgressOptions;
import dev.botbottle.egress.testing.LoopbackUpstream;
import dev.botbottle.egress.testing.TestPki;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.ProgressListener;

import javax.net.ssl.SSLContext;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Side-by-side benchmark of the egress gateway against no proxy, mitmproxy and squid (ssl_bump), all on loopback
 * against the same HTTPS upstream with the same client: (a) intercepted HTTPS requests per second with N
 * concurrent keep-alive clients, (b) passthrough MB/s over one tunnel, (c) added p50/p99 latency of one client.
 *
 * <p>Bounded in time and count. Not run by CI. Arguments ({@code key=value}): {@code seconds} (measured seconds per
 * throughput run, default 10), {@code warmup} (seconds, default 3), {@code clients} (default 32),
 * {@code latency} (requests per latency run, default 2000), {@code mib} (passthrough download size, default 512),
 * {@code external} (false to skip mitmproxy and squid).
 */
public final class EgressBenchmark {

    private static final String HOST = "localhost";

    private EgressBenchmark() {
    }

    /** One thing to benchmark: how a client reaches the upstream and what it must trust. */
    private record Target(String name, int proxyPort, SSLContext trust, String proxyAuthorization) {
        Target(String name, int proxyPort, SSLContext trust) {
            this(name, proxyPort, trust, null);
        }
    }

    /**
     * @param args {@code key=value} settings, see the class comment
     * @throws Exception when a target cannot be set up
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("seconds", "10", "warmup", "3", "clients", "32",
                "latency", "2000", "mib", "512", "external", "true"));
        Arrays.stream(args).map(a -> a.split("=", 2)).forEach(kv -> opt.put(kv[0], kv[1]));
        int seconds = Integer.parseInt(opt.get("seconds"));
        int warmup = Integer.parseInt(opt.get("warmup"));
        int clients = Integer.parseInt(opt.get("clients"));
        int latencyCount = Integer.parseInt(opt.get("latency"));
        long mib = Long.parseLong(opt.get("mib"));
        boolean external = Boolean.parseBoolean(opt.get("external"));

        Path dir = Files.createTempDirectory("egress-bench");
        TestPki pki = TestPki.create("bench-upstream-ca");
        Path upstreamCa = pki.writeCa(dir);
        List<AutoCloseable> open = new ArrayList<>();
        try (LoopbackUpstream upstream = LoopbackUpstream.start(pki, List.of(HOST), 8);
             ExternalProxies ext = new ExternalProxies(dir)) {
            upstream.recording(false);
            int up = upstream.port();
            EgressOptions options = EgressOptions.defaults()
                    .withResolver((h, p) -> new InetSocketAddress("127.0.0.1", up));
            // the upstream is on loopback: the routes say so (the SSRF floor refuses it otherwise)
            EgressRoute intercept = EgressRoute.builder(HOST).ports(List.of(up)).allowPrivate(true).build();
            EgressRoute pass = EgressRoute.builder(HOST).ports(List.of(up)).tlsPassthrough(true).allowPrivate(true)
                    .build();
            EgressGateway gw = gateway(options, dir.resolve("gw"), intercept, upstreamCa);
            EgressGateway gwPass = gateway(options, dir.resolve("gw-pass"), pass, upstreamCa);
            open.add(gw);
            open.add(gwPass);

            SSLContext upstreamTrust = TestPki.clientTrusting(pki.caPem());
            List<Target> intercepting = new ArrayList<>();
            intercepting.add(new Target("direct (no proxy)", -1, upstreamTrust));
            intercepting.add(new Target("bot-bottle gateway", gw.port(), TestPki.clientTrusting(gw.caCertificatePem()),
                    gw.proxyAuthorization()));
            List<Target> passing = new ArrayList<>();
            passing.add(new Target("direct (no proxy)", -1, upstreamTrust));
            passing.add(new Target("bot-bottle gateway (tls_passthrough)", gwPass.port(), upstreamTrust,
                    gwPass.proxyAuthorization()));
            if (external && ExternalProxies.installed("mitmdump")) {
                var m = ext.mitmproxy(upstreamCa, false);
                intercepting.add(new Target(m.name(), m.port(), TestPki.clientTrusting(m.caPem())));
                var mp = ext.mitmproxy(upstreamCa, true);
                passing.add(new Target(mp.name(), mp.port(), upstreamTrust));
            } else {
                System.out.println("mitmproxy: skipped (external=false or mitmdump not installed)");
            }
            if (external && ExternalProxies.installed("squid")) {
                var s = ext.squid(upstreamCa, false);
                intercepting.add(new Target(s.name(), s.port(), TestPki.clientTrusting(s.caPem())));
                var sp = ext.squid(upstreamCa, true);
                passing.add(new Target(sp.name(), sp.port(), upstreamTrust));
            } else {
                System.out.println("squid: skipped (external=false or squid not installed)");
            }

            System.out.printf(Locale.ROOT, "upstream https://%s:%d (JDK HttpsServer, 8 threads); %d cores; "
                    + "%d clients, %d s warmup + %d s measured; latency over %d sequential requests; %d MiB"
                    + " passthrough download%n", HOST, up, Runtime.getRuntime().availableProcessors(), clients,
                    warmup, seconds, latencyCount, mib);

            System.out.println();
            System.out.println("(a) intercepted HTTPS requests/s, " + clients + " keep-alive clients, GET / (2-byte body), best of 2");
            Map<String, Double> rps = new LinkedHashMap<>();
            for (Target t : intercepting) {
                // best of two rounds: the clients, the upstream and every proxy share two cores
                double r = Math.max(throughput(t, up, clients, warmup, seconds),
                        throughput(t, up, clients, warmup, seconds));
                rps.put(t.name(), r);
                System.out.printf(Locale.ROOT, "  %-40s %10.0f req/s%n", t.name(), r);
            }

            System.out.println();
            System.out.println("(c) latency of one keep-alive client, GET / (microseconds)");
            double[] base = null;
            for (Target t : intercepting) {
                double[] l = latency(t, up, latencyCount);
                if (base == null) {
                    base = l;
                }
                System.out.printf(Locale.ROOT, "  %-40s p50 %7.0f  p99 %7.0f   added p50 %+7.0f  p99 %+7.0f%n",
                        t.name(), l[0], l[1], l[0] - base[0], l[1] - base[1]);
            }

            System.out.println();
            System.out.println("(b) passthrough MB/s over one tunnel, GET of " + mib + " MiB (best of 3)");
            for (Target t : passing) {
                double mbs = passthrough(t, up, mib * 1024 * 1024);
                System.out.printf(Locale.ROOT, "  %-40s %10.1f MB/s%n", t.name(), mbs);
            }
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        dev.botbottle.spi.support.HostFiles.deleteTree(dir);
    }

    private static EgressGateway gateway(EgressOptions options, Path state, EgressRoute route, Path ca) {
        return new EgressGatewayProvider(options).start(new GatewayRequest("bench", "127.0.0.1", 0, state,
                List.of(route), List.of(), CredentialSource.none(), List.of(ca), ProgressListener.NONE));
    }

    private static double throughput(Target t, int up, int clients, int warmup, int seconds) throws Exception {
        AtomicLong counted = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong maxNanos = new AtomicLong();
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
                            long took = System.nanoTime() - now;
                            maxNanos.accumulateAndGet(took, Math::max);
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
        System.out.printf(Locale.ROOT, "      (slowest request under load: %.1f ms)%n", maxNanos.get() / 1e6);
        return counted.get() / (double) seconds;
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

    private static double passthrough(Target t, int up, long bytes) throws Exception {
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
}
