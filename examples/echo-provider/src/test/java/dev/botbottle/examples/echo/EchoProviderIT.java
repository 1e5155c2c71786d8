package dev.botbottle.examples.echo;

import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.manifest.ManifestLoader;
import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plan.Planner;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchOptions;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.spi.ExecResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The echo plugin end to end: found by ServiceLoader, named in a manifest with its own setting, its image built by
 * the Docker backend, provisioned by the runtime, run headless in the bottle.
 */
class EchoProviderIT {

    @TempDir
    Path home;

    @Test
    void aBottleOfThePluginsTemplateRunsTheEchoAgent() throws IOException {
        assumeDockerAndBaseImage();
        write("bottles/echo.md", "---\nagent_provider: {template: echo, greeting: \"bonjour:\"}\nsupervise: false\n---\n");
        write("agents/parrot.md", "---\nbottle: echo\n---\nYou are a parrot.\n");
        HostEnvironment host = new HostEnvironment(home, home, Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
        Plugins plugins = Plugins.discover();
        Manifest manifest = ManifestLoader.forHome(home).loadStrict();
        BottlePlan plan = new Planner(plugins, host).plan(manifest, "parrot", "docker", Optional.empty());

        try (BottleRuntime runtime = BottleRuntime.builder().host(host).plugins(plugins).build()) {
            RunningBottle bottle = runtime.launch(plan, LaunchOptions.DEFAULTS);
            try {
                ExecResult run = bottle.exec(new EchoProvider().headlessCommand("hello").toArray(String[]::new));

                assertThat(run.exitCode()).as(run.stderrText()).isZero();
                assertThat(run.stdoutText()).isEqualTo("[system] You are a parrot.\nbonjour: hello\n");
                assertThat(plan.image().reference()).startsWith("bot-bottle/echo:");
            } finally {
                runtime.teardown(plan.slug());
            }
        }
    }

    private static void assumeDockerAndBaseImage() {
        boolean ok = exitCode("docker", "info") == 0 && exitCode("docker", "image", "inspect", EchoProvider.DEFAULT_BASE_IMAGE) == 0;
        if (!ok) {
            System.out.println("SKIPPED: needs a Docker engine (scripts/ensure-docker.sh) and "
                    + EchoProvider.DEFAULT_BASE_IMAGE + " (scripts/build-base-image.sh)");
        }
        Assumptions.assumeTrue(ok, "needs a Docker engine and " + EchoProvider.DEFAULT_BASE_IMAGE);
    }

    private static int exitCode(String... argv) {
        try {
            Process p = new ProcessBuilder(List.of(argv)).redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void write(String relative, String text) throws IOException {
        Path file = home.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
