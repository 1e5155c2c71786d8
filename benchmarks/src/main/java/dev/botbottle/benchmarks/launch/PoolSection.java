package dev.botbottle.benchmarks.launch;

import dev.botbottle.core.runtime.LaunchRequest;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.core.runtime.WarmPool;
import dev.botbottle.spi.ExecResult;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Claim-to-ready from a warm pool, side by side with a direct launch of the same agent in the same warm runtime:
 * from the call to {@code launch} until it returns a bottle bound to the task, then one exec of {@code true} (the
 * first command a claimed bottle runs) and teardown. The pool is full before each claim (its refill is not timed).
 */
final class PoolSection {

    private final Path home;
    private final String agent;
    private final int runs;
    private final LaunchBenchmark.Report report;

    PoolSection(Path home, String agent, int runs, LaunchBenchmark.Report report) {
        this.home = home;
        this.agent = agent;
        this.runs = runs;
        this.report = report;
    }

    void run() throws InterruptedException {
        Samples claim = new Samples();
        Samples claimExec = new Samples();
        Samples direct = new Samples();
        int served = 0;
        try (Embedded embedded = new Embedded(home)) {
            embedded.once(agent); // warms the JVM the way the warm section does
            LaunchRequest request = embedded.request(agent);
            WarmPool pool = embedded.runtime().pool(request, 1);
            try {
                for (int i = 0; i < runs; i++) {
                    if (!pool.awaitFull(Duration.ofMinutes(3))) {
                        throw new IllegalStateException("the pool did not fill: " + pool.lastFailure().orElse("?"));
                    }
                    List<String> ready = pool.slugs();
                    long t0 = System.nanoTime();
                    RunningBottle bottle = embedded.runtime().launch(request);
                    long t1 = System.nanoTime();
                    try {
                        ExecResult r = bottle.exec("true");
                        claimExec.addNanos(System.nanoTime() - t1);
                        if (!r.succeeded()) {
                            throw new IllegalStateException("`true` failed in " + bottle.slug());
                        }
                    } finally {
                        bottle.close();
                    }
                    claim.addNanos(t1 - t0);
                    served += ready.contains(bottle.slug()) ? 1 : 0;
                    direct.add(embedded.once(agent).launch());
                }
            } finally {
                pool.close();
            }
        }
        report.line("");
        report.line("## warm pool: claim-to-ready (embedded, warm JVM, pool of 1 full before each claim; " + served + " of "
                + runs + " launches served by the pool)");
        report.line(String.format(Locale.ROOT, "%-34s %s", "claim-to-ready", claim.describe()));
        report.line(String.format(Locale.ROOT, "%-34s %s", "first exec in the claimed bottle", claimExec.describe()));
        report.line(String.format(Locale.ROOT, "%-34s %s", "direct launch-to-ready (same run)", direct.describe()));
        report.line(String.format(Locale.ROOT, "%-34s %s (goal: claim at most 100 ms)", "claim / direct launch",
                Samples.ratio(claim.median(), direct.median())));
    }
}
