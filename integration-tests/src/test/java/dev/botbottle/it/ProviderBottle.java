package dev.botbottle.it;

import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.provision.ProvisionEngine;
import dev.botbottle.core.provision.ProvisionResult;
import dev.botbottle.egress.EgressGateway;
import dev.botbottle.egress.EgressGatewayProvider;
import dev.botbottle.egress.EgressOptions;
import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.ResourceLimits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * An agent provider's bottle without the runtime around it: the real Docker backend (found as plugin
 * {@code docker}) builds the provider's image from its {@link ImageSpec} and starts a bottle on an internal network,
 * with the egress gateway's DNS responder answering its lookups as in a real bottle (no proxy settings: the tests run
 * offline), and core's {@link ProvisionEngine} applies the provider's steps. Lets a test put things in the
 * bottle between provisioning runs, as a resumed bottle would find them.
 */
final class ProviderBottle implements AutoCloseable {
    private final Path home;
    private final EgressGateway gateway;
    private final BottleBackend backend;
    private final String slug;
    private final Bottle bottle;
    private final Map<String, String> env;
    private final List<String> warnings = new ArrayList<>();

    private ProviderBottle(Path home, EgressGateway gateway, BottleBackend backend, String slug, Bottle bottle,
                           Map<String, String> env) {
        this.home = home;
        this.gateway = gateway;
        this.backend = backend;
        this.slug = slug;
        this.bottle = bottle;
        this.env = env;
    }

    /**
     * Builds the plan's image when its tag is missing and starts a bottle of it with the plan's environment and
     * placeholders.
     *
     * @param prefix the slug's prefix
     * @param plan the provider's plan
     * @return the running bottle, not provisioned yet
     */
    static ProviderBottle start(String prefix, AgentProvisionPlan plan) throws IOException {
        ImageSpec image = plan.image().orElseThrow();
        Map<String, String> env = new java.util.HashMap<>(plan.env());
        env.putAll(plan.placeholderEnv());
        Path home = Files.createTempDirectory(prefix);
        // the host's extra CAs (a TLS-intercepting proxy's) go into image builds, as the runtime hands them over
        BottleBackend backend = Plugins.discover().backends().get("docker")
                .create(new BackendContext(home, ProgressListener.NONE, Map.of(),
                        dev.botbottle.core.runtime.HostTrust.system().files()));
        String slug = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
        // No gateway port is opened and nothing is reached through the host: isolation is not what these tests check.
        BottleSpec spec = new BottleSpec(slug, prefix, image, env, Map.of(), ResourceLimits.NONE, true);
        boolean cached = Docker.run("docker", "image", "inspect", image.reference()).exitCode() == 0;
        long start = System.nanoTime();
        EgressGateway gateway = null;
        try {
            HostReach reach = backend.prepare(spec);
            // -Dit.dnsPort=-1 measures an agent's start as it was before the responder (lookups time out)
            gateway = new EgressGatewayProvider(EgressOptions.defaults().withDnsPort(Integer.getInteger("it.dnsPort",
                    53))).start(GatewayRequest.builder(slug).bindAddress(reach.bindAddress())
                    .stateDir(Files.createDirectories(home.resolve("state"))).build());
            backend.create(spec, reach, gateway.ports());
            Bottle bottle = backend.start(slug);
            System.out.printf("agent image %s: %s, %s bytes%n", image.reference(),
                    cached ? "cached" : "built in " + (System.nanoTime() - start) / 1_000_000_000 + " s",
                    Docker.run("docker", "image", "inspect", "--format", "{{.Size}}", image.reference()).out().strip());
            return new ProviderBottle(home, gateway, backend, slug, bottle, Map.copyOf(env));
        } catch (RuntimeException e) {
            if (gateway != null) {
                gateway.close();
            }
            backend.teardown(slug);
            delete(home);
            throw e;
        }
    }

    /** @return the environment the bottle was created with: the plan's env and placeholders */
    Map<String, String> env() {
        return env;
    }

    /** @return the warnings of every {@link #provision} so far (optional steps that failed) */
    List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Applies the steps with core's provisioning engine; a failing required step fails the test. */
    ProvisionResult provision(List<ProvisionStep> steps) {
        ProvisionResult result = new ProvisionEngine(ProgressListener.NONE).apply(bottle, steps, env);
        warnings.addAll(result.warnings());
        return result;
    }

    /** @return the backend's bottle, for providers that plan steps against it */
    Bottle bottle() {
        return bottle;
    }

    ExecResult exec(ExecRequest request) {
        return bottle.exec(request);
    }

    /** Runs {@code argv} as {@code user} and returns its stdout, failing the test on a non-zero exit. */
    String sh(String user, String... argv) {
        ExecResult r = bottle.exec(ExecRequest.of(argv).asUser(user));
        if (!r.succeeded()) {
            throw new AssertionError(String.join(" ", argv) + " exited " + r.exitCode() + ": " + r.stderrText()
                    + r.stdoutText());
        }
        return r.stdoutText();
    }

    @Override
    public void close() {
        try {
            bottle.close();
        } finally {
            try {
                backend.teardown(slug);
            } finally {
                gateway.close();
                delete(home);
            }
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp dir is not a test failure
        }
    }
}
