package dev.botbottle.testkit.doubles;

import dev.botbottle.spi.Availability;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.BackendPlan;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.EngineState;
import dev.botbottle.spi.GatewayPorts;
import dev.botbottle.spi.HostReach;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake backend (a test double, named {@code fake} unless told otherwise): its bottles are {@link RecordingBottle}s
 * that run nothing, kept in memory by this provider instance, so a provider's provisioning or a host's use of the
 * runtime can be tested without an engine. It records every call; it isolates nothing (the gateways bind loopback).
 * The backend TCK ({@code dev.botbottle.testkit.tck.BackendContract}) stays the real check of a backend.
 *
 * <pre>{@code
 * FakeBackendProvider fake = new FakeBackendProvider();
 * BottleRuntime runtime = BottleRuntime.builder().home(tmp).plugins(Plugins.builder().backend(fake).build()).build();
 * try (RunningBottle bottle = runtime.launch(LaunchRequest.builder(manifest, "worker").backend("fake").build())) {
 *     assertThat(fake.bottle(bottle.slug()).orElseThrow().allStdin()).contains("PROMPT.md");
 * }
 * assertThat(fake.calls()).contains("teardown " + slug);
 * }</pre>
 *
 * <p>Thread-safe; every {@link #create(BackendContext)} shares this provider's bottles, as engine objects outlive a
 * backend instance.
 *
 * @since 0.2
 */
public final class FakeBackendProvider implements BackendProvider {

    private final String name;
    private final Map<String, Entry> bottles = new ConcurrentHashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();

    private static final class Entry {
        final BottleSpec spec;
        volatile EngineState state = EngineState.INCOMPLETE;
        volatile RecordingBottle bottle;

        Entry(BottleSpec spec) {
            this.spec = spec;
        }
    }

    /** A fake backend named {@code fake}. */
    public FakeBackendProvider() {
        this("fake");
    }

    /** @param name the backend's name */
    public FakeBackendProvider(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Availability availability() {
        return Availability.ok();
    }

    @Override
    public BottleBackend create(BackendContext context) {
        return new Backend();
    }

    /** @return every call made to this provider's backends, e.g. {@code "prepare demo-1"}, in order */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    /** @param slug a bottle @return its recording handle, once started */
    public Optional<RecordingBottle> bottle(String slug) {
        return Optional.ofNullable(bottles.get(slug)).map(e -> e.bottle);
    }

    /** @param slug a bottle @return the spec it was created from (labels, env, image), if it exists */
    public Optional<BottleSpec> spec(String slug) {
        return Optional.ofNullable(bottles.get(slug)).map(e -> e.spec);
    }

    /** @return the slugs of the bottles that exist */
    public Set<String> slugs() {
        return Set.copyOf(bottles.keySet());
    }

    /**
     * Makes a bottle stop as an engine restart or a crash would, without the runtime knowing.
     *
     * @param slug the bottle
     */
    public void stopBehindTheRuntimesBack(String slug) {
        entry(slug).state = EngineState.STOPPED;
    }

    private Entry entry(String slug) {
        Entry e = bottles.get(slug);
        if (e == null) {
            throw new BackendException("the fake backend has no bottle '" + slug + "'");
        }
        return e;
    }

    private final class Backend implements BottleBackend {
        @Override
        public String name() {
            return name;
        }

        @Override
        public BackendPlan describe(BottleSpec spec) {
            return new BackendPlan(name, Map.of("fake", "a test double: nothing runs, nothing is isolated"));
        }

        @Override
        public HostReach prepare(BottleSpec spec) {
            calls.add("prepare " + spec.slug());
            if (bottles.putIfAbsent(spec.slug(), new Entry(spec)) != null) {
                throw new BackendException("the fake backend already has a bottle '" + spec.slug() + "'");
            }
            return new HostReach("127.0.0.1", "127.0.0.1", "none (the fake backend is a test double)");
        }

        @Override
        public void create(BottleSpec spec, HostReach reach, List<Integer> gatewayPorts) {
            create(spec, reach, GatewayPorts.tcp(gatewayPorts));
        }

        @Override
        public void create(BottleSpec spec, HostReach reach, GatewayPorts ports) {
            calls.add("create " + spec.slug());
            Entry e = bottles.computeIfAbsent(spec.slug(), s -> new Entry(spec));
            e.bottle = new RecordingBottle(spec.slug(), "agent", "/home/agent");
            e.state = EngineState.STOPPED;
        }

        @Override
        public Bottle start(String slug) {
            calls.add("start " + slug);
            Entry e = entry(slug);
            e.state = EngineState.RUNNING;
            return e.bottle;
        }

        @Override
        public void stop(String slug) {
            calls.add("stop " + slug);
            entry(slug).state = EngineState.STOPPED;
        }

        @Override
        public Bottle resume(String slug, List<Integer> gatewayPorts) {
            return resume(slug, GatewayPorts.tcp(gatewayPorts));
        }

        @Override
        public Bottle resume(String slug, GatewayPorts ports) {
            calls.add("resume " + slug);
            Entry e = entry(slug);
            e.state = EngineState.RUNNING;
            return e.bottle;
        }

        @Override
        public Bottle attach(String slug) {
            calls.add("attach " + slug);
            Entry e = entry(slug);
            if (e.state != EngineState.RUNNING) {
                throw new BackendException("bottle '" + slug + "' is not running (fake backend)");
            }
            return e.bottle;
        }

        @Override
        public void teardown(String slug) {
            calls.add("teardown " + slug);
            bottles.remove(slug);
        }

        @Override
        public Set<String> list() {
            return Set.copyOf(bottles.keySet());
        }

        @Override
        public Map<String, EngineState> states() {
            Map<String, EngineState> states = new TreeMap<>();
            bottles.forEach((slug, e) -> states.put(slug, e.state));
            return states;
        }
    }
}
