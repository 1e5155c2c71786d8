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

    private final Path repo;
    private final Path home;
    private final String agent;
    private final int runs;
    private final LaunchBenchmark.Report report;

    PoolSection(Path repo, Path home, String agent, int runs, LaunchBenchmark.Report report) {
        this.repo = repo;
        this.home = home;
        this.agent = agent;
        this.runs = runs;
        this.report = report;
    }

    /**
     * @param rawTotal the raw script's whole run in this benchmark run (ms), or NaN
     * @param cliTotal the CLI's whole launch-run-teardown without a pool in this run (ms), or NaN
     */
    void run(double rawTotal, double cliTotal) throws InterruptedException {
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
        cli(rawTotal, cliTotal);
    }

    /**
     * {@code bottle launch AGENT --headless --prompt true} served by {@code bottle pool start AGENT} (another process:
     * the launch takes the pooled bottle over), whole process, pool full before each launch.
     */
    private void cli(double rawTotal, double cliTotal) {
        String bottle = repo.resolve("bottle").toString();
        Processes.Run started = Processes.run(List.of(bottle, "--home", home.toString(), "pool", "start", agent,
                "--size", "1"), repo, java.util.Map.of());
        if (started.exitCode() != 0) {
            throw new IllegalStateException("bottle pool start failed:\n" + String.join("\n", started.errLines()));
        }
        Samples whole = new Samples();
        int served = 0;
        try {
            for (int i = 0; i < runs; i++) {
                awaitCliPoolFull(bottle);
                Processes.Run run = Processes.run(List.of(bottle, "--home", home.toString(), "launch", agent,
                        "--headless", "--prompt", "true"), repo, java.util.Map.of());
                if (run.exitCode() != 0) {
                    throw new IllegalStateException("the pooled CLI launch failed:\n" + String.join("\n", run.errLines()));
                }
                served += run.errLines().stream().anyMatch(l -> l.contains("from the warm pool of")) ? 1 : 0;
                whole.add(run.wallMillis());
            }
        } finally {
            Processes.run(List.of(bottle, "--home", home.toString(), "pool", "stop", agent), repo, java.util.Map.of());
        }
        report.line("");
        report.line("## CLI with a warm pool (`bottle pool start " + agent + " --size 1`, then `bottle launch " + agent
                + " --headless --prompt true`; " + served + " of " + runs + " served by the pool)");
        report.line(String.format(Locale.ROOT, "%-34s %s", "whole launch-run-teardown", whole.describe()));
        report.line(String.format(Locale.ROOT, "%-34s %s (goal: CLI at most 2x)", "ratio to the raw script",
                Samples.ratio(whole.median(), rawTotal)));
        report.line(String.format(Locale.ROOT, "%-34s %s", "ratio to the CLI without a pool",
                Samples.ratio(whole.median(), cliTotal)));
    }

    /** Waits (polling `bottle pool ls`, up to 3 minutes) until the CLI's pool has its bottle ready again. */
    private void awaitCliPoolFull(String bottle) {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            Processes.Run ls = Processes.run(List.of(bottle, "--home", home.toString(), "pool", "ls"), repo,
                    java.util.Map.of());
            if (ls.stdout().lines().anyMatch(l -> l.matches(agent + "\\s+1\\s+1\\s+\\d+"))) {
                return;
            }
        }
        throw new IllegalStateException("the CLI's warm pool did not refill in 3 minutes");
    }
}
