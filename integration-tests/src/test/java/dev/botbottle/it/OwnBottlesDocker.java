package dev.botbottle.it;

import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.spi.Availability;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendPlan;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.GatewayPorts;
import dev.botbottle.spi.HostReach;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The real Docker backend, registered as {@code docker}, whose {@link BottleBackend#list()} shows only the bottles
 * whose slug starts with a test's prefix: other sessions run bottles on the same engine, and a test of
 * {@code cleanup} must never remove theirs. Everything else goes to the real backend unchanged, except where its
 * gateways run: always in the runtime's JVM ({@code docker.gateway=in-process}), since the tests using it register
 * gateway service instances of their own, which only run in process.
 */
final class OwnBottlesDocker implements BackendProvider {
    private final BackendProvider real = Plugins.discover().backends().get("docker");
    private final String prefix;

    OwnBottlesDocker(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public String name() {
        return "docker";
    }

    @Override
    public Availability availability() {
        return real.availability();
    }

    @Override
    public BottleBackend create(BackendContext context) {
        Map<String, String> options = new java.util.HashMap<>(context.options());
        options.put("docker.gateway", "in-process");
        BottleBackend b = real.create(new BackendContext(context.home(), context.progress(), options,
                context.hostCaCertificates()));
        return new BottleBackend() {
            @Override
            public String name() {
                return b.name();
            }

            @Override
            public BackendPlan describe(BottleSpec spec) {
                return b.describe(spec);
            }

            @Override
            public HostReach prepare(BottleSpec spec) {
                return b.prepare(spec);
            }

            @Override
            public void create(BottleSpec spec, HostReach reach, List<Integer> gatewayPorts) {
                b.create(spec, reach, gatewayPorts);
            }

            @Override
            public void create(BottleSpec spec, HostReach reach, GatewayPorts ports) {
                b.create(spec, reach, ports);
            }

            @Override
            public Bottle start(String slug) {
                return b.start(slug);
            }

            @Override
            public void stop(String slug) {
                b.stop(slug);
            }

            @Override
            public Bottle resume(String slug, List<Integer> gatewayPorts) {
                return b.resume(slug, gatewayPorts);
            }

            @Override
            public Bottle resume(String slug, GatewayPorts ports) {
                return b.resume(slug, ports);
            }

            @Override
            public Bottle attach(String slug) {
                return b.attach(slug);
            }

            @Override
            public void teardown(String slug) {
                b.teardown(slug);
            }

            @Override
            public Set<String> list() {
                return b.list().stream().filter(s -> s.startsWith(prefix)).collect(Collectors.toSet());
            }
        };
    }
}
