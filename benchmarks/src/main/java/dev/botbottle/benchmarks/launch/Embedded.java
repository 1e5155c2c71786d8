package dev.botbottle.benchmarks.launch;

import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.manifest.ManifestLoader;
import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plan.Planner;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchOptions;
import dev.botbottle.core.runtime.LaunchRequest;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.spi.ExecResult;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The library as an application embeds it: one runtime, plans from the manifest in a bot-bottle home, launches
 * measured from the call to {@code launch} until it returns a provisioned bottle (launch-to-ready), one exec of
 * {@code true} as the agent user, and teardown by closing the handle.
 */
final class Embedded implements AutoCloseable {

    /** What one launch took, in milliseconds. */
    record Result(double launch, double exec, double teardown, Map<String, Double> phases) {
    }

    private final PhaseClock clock = new PhaseClock();
    private final HostEnvironment host;
    private final Plugins plugins;
    private final BottleRuntime runtime;
    private final Manifest manifest;
    private final Planner planner;

    Embedded(Path home) {
        this.host = new HostEnvironment(home, Path.of(System.getProperty("user.home")), System.getenv());
        this.plugins = Plugins.discover();
        this.runtime = BottleRuntime.builder().host(host).plugins(plugins).progress(clock).build();
        this.manifest = ManifestLoader.forHome(home).loadStrict();
        this.planner = new Planner(plugins, host).withDefaultTemplate("claude");
    }

    BottleRuntime runtime() {
        return runtime;
    }

    BottlePlan plan(String agent) {
        return planner.plan(manifest, agent, "docker", Optional.empty());
    }

    /** @return the request a pool of the agent and its launches use (the same default template as {@link #plan}) */
    LaunchRequest request(String agent) {
        return LaunchRequest.builder(manifest, agent).defaultTemplate("claude").build();
    }

    /** Launches the agent's bottle, runs {@code true} in it and removes it. */
    Result once(String agent) {
        BottlePlan plan = plan(agent);
        clock.start();
        long t0 = System.nanoTime();
        RunningBottle bottle = runtime.launch(plan, LaunchOptions.DEFAULTS);
        long t1 = System.nanoTime();
        Map<String, Double> phases = clock.phases(t1);
        ExecResult r;
        long t2;
        try {
            r = bottle.exec("true");
            t2 = System.nanoTime();
        } finally {
            bottle.close();
        }
        long t3 = System.nanoTime();
        if (!r.succeeded()) {
            throw new IllegalStateException("`true` failed in bottle " + bottle.slug() + ": " + r.stderrText());
        }
        return new Result((t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, phases);
    }

    @Override
    public void close() {
        runtime.close();
    }
}
