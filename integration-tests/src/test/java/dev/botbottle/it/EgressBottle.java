package dev.botbottle.it;

import dev.botbottle.core.provision.ProvisionEngine;
import dev.botbottle.egress.EgressLimits;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.ResourceLimits;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;

/**
 * A real Docker bottle behind a real egress gateway whose upstream names all resolve to one loopback address (the
 * test upstream): the fixture of the in-bottle egress tests. Routes are used as given, so a route without
 * {@code allow_private} meets the SSRF floor.
 */
final class EgressBottle implements AutoCloseable {

    final String slug;
    /** the gateway, in this JVM or a gateway program's stand-in ({@link TestEgress}) */
    final EgressControl gateway;
    private final GatewayService service;
    final Bottle bottle;
    final Map<String, String> env;
    /** where the gateway dials the upstream ({@link TestEgress#upstreamAddress}) */
    final String upstreamAddress;
    private final BottleBackend backend;

    private EgressBottle(String slug, BottleBackend backend, GatewayService gateway, Bottle bottle,
                         Map<String, String> env, String upstreamAddress) {
        this.slug = slug;
        this.upstreamAddress = upstreamAddress;
        this.backend = backend;
        this.service = gateway;
        this.gateway = (EgressControl) gateway;
        this.bottle = bottle;
        this.env = env;
    }

    /**
     * @param state a directory of the test
     * @param routes the bottle's routes
     * @param credentials token_ref to value
     * @param upstreamPort the loopback port every route host resolves to
     * @param upstreamCa the upstream's CA file (trusted by the gateway, copied into the bottle)
     * @param limits the gateway's bounds
     */
    static EgressBottle start(Path state, List<EgressRoute> routes, Map<String, String> credentials, int upstreamPort,
                              Path upstreamCa, EgressLimits limits) {
        BackendProvider docker = ServiceLoader.load(BackendProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("docker")).findFirst()
                .orElseThrow(() -> new AssertionError("no BackendProvider named docker on the classpath"));
        String slug = "egress-at-" + UUID.randomUUID().toString().substring(0, 6);
        BottleBackend backend = docker.create(new BackendContext(state.resolve("home-" + slug), ProgressListener.NONE,
                Map.of()));
        BottleSpec spec = new BottleSpec(slug, "egress-attacks", ImageSpec.of(Docker.BASE_IMAGE), Map.of(), Map.of(),
                ResourceLimits.NONE, false);
        HostReach reach = backend.prepare(spec);
        GatewayService gateway = TestEgress.start(backend, spec, reach, new GatewayRequest(slug,
                reach.bindAddress(), 0, state.resolve("state-" + slug), routes, List.of(),
                CredentialSource.fromEnvironment(credentials), List.of(upstreamCa), ProgressListener.NONE),
                Map.of("*", upstreamPort), limits);
        try {
            backend.create(spec, reach, gateway.ports()); // its DNS responder's UDP port too
            Bottle bottle = backend.start(slug);
            Map<String, String> env = new ProvisionEngine(ProgressListener.NONE)
                    .apply(bottle, gateway.bottleSteps(reach), Map.of()).env();
            bottle.copyIn(upstreamCa, "/tmp/upstream-ca.pem", FileOwner.AGENT, 0644);
            return new EgressBottle(slug, backend, gateway, bottle, env, TestEgress.upstreamAddress(backend, spec));
        } catch (RuntimeException e) {
            gateway.close();
            backend.teardown(slug);
            throw e;
        }
    }

    /** @return the result of {@code sh -c script} as the agent, with the bottle's proxy environment */
    ExecResult sh(String script) {
        return bottle.exec(ExecRequest.of("sh", "-c", script).withEnv(env));
    }

    /** @return the result of {@code sh -c script} with {@code stdin} (a secret stays out of argv and files) */
    ExecResult sh(String script, String stdin) {
        return bottle.exec(ExecRequest.of("sh", "-c", script).withEnv(env)
                .withStdin(stdin.getBytes(StandardCharsets.UTF_8)));
    }

    /** @return curl's result: {@code -sS --max-time 30} plus {@code args} */
    ExecResult curl(String... args) {
        List<String> argv = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        argv.addAll(List.of(args));
        return bottle.exec(new ExecRequest(argv, env, Optional.empty(), Optional.empty(), Optional.empty(),
                Duration.ofMinutes(2)));
    }

    /** @return the audit lines of {@code host} */
    List<EgressAuditEntry> audit(String host) {
        return gateway.readAudit().stream().filter(e -> e.host().equals(host)).toList();
    }

    /** @return the denials in the audit */
    List<EgressAuditEntry> denials() {
        return gateway.readAudit().stream().filter(e -> e.verdict() == EgressAuditEntry.Verdict.DENY).toList();
    }

    @Override
    public void close() {
        try {
            bottle.close();
        } finally {
            try {
                backend.teardown(slug);
            } finally {
                service.close();
            }
        }
    }

    static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // a leftover temp dir is not a test failure
        }
    }
}
