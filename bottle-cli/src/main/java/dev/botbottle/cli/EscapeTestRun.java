package dev.botbottle.cli;

import dev.botbottle.core.escape.Canaries;
import dev.botbottle.core.escape.EscapeReport;
import dev.botbottle.core.escape.EscapeTest;
import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.PlanRenderer;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchOptions;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.spi.Decision;
import dev.botbottle.spi.GitRemote;
import dev.botbottle.spi.Secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code bottle doctor --escape-test AGENT}: launches a real bottle of the user's own manifest with canary
 * credentials in place of the real ones ({@link Canaries}: no real token is resolved, no forge is asked for a deploy
 * key), runs the sandbox-escape catalogue in it as its agent user, prints the table and removes the bottle.
 */
final class EscapeTestRun {

    private final BottleCommand parent;

    EscapeTestRun(BottleCommand parent) {
        this.parent = parent;
    }

    /**
     * @param agent the agent whose bottle is tested
     * @param backend the backend
     * @param allowWeakIsolation launch even without the host firewall (the report then says NOT IN FORCE)
     * @return 0 when every control passed and every attack was blocked and audited, 1 otherwise
     */
    int run(String agent, String backend, boolean allowWeakIsolation) {
        Canaries canaries = new Canaries();
        var out = parent.console.out();
        try (BottleRuntime runtime = BottleRuntime.builder().host(parent.host())
                .plugins(canaries.plugins(parent.plugins())).credentials(canaries.credentials())
                .progress(parent.progress()).prompter(parent.prompter())
                .supervisor(p -> Optional.of(Decision.reject("bottle doctor --escape-test grants nothing")))
                .build()) {
            String slug = "escape-test-" + UUID.randomUUID().toString().substring(0, 6);
            BottlePlan plan = Canaries.withCanaryKeys(runtime.planner()
                    .withDefaultTemplate(BottleCommand.DEFAULT_TEMPLATE)
                    .plan(parent.manifest(), agent, backend, Optional.of(slug)));
            parent.console.err().print(PlanRenderer.render(plan));
            parent.console.err().println("escape test: every credential is a canary; git remotes get a key no forge"
                    + " knows, so the gate cannot reach upstream");
            RunningBottle bottle = runtime.launch(plan, new LaunchOptions(Optional.empty(), false,
                    allowWeakIsolation));
            try {
                EscapeTest.Builder test = EscapeTest.builder(runtime, bottle)
                        .upstreamUnreachable(!plan.remotes().isEmpty())
                        .progress((stage, message) -> parent.console.err().println("[" + stage + "] " + message));
                canaries.issued().values().forEach(test::needle);
                Path keys = runtime.state().directory(slug).resolve("deploy-keys");
                for (GitRemote remote : plan.remotes()) {
                    keyLines(keys.resolve(remote.name() + ".key")).forEach(test::needle);
                }
                EscapeReport report = test.build().run();
                out.print(report.render());
                return report.passed() ? 0 : 1;
            } finally {
                runtime.teardown(slug);
            }
        }
    }

    /** @return the lines of key material of a private key file (its armour lines left out) */
    private static java.util.List<Secret> keyLines(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.length() >= 20 && !l.startsWith("-----"))
                    .map(Secret::of).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bottle's deploy key " + file, e);
        }
    }
}
