package dev.botbottle.testkit.tck;

import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.GatewayPorts;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.ResourceLimits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the contract tests share: the backend under test, the bottles they made (all torn down at the end), the
 * host listeners, and one long-lived bottle for the tests that only read.
 *
 * @since 0.1
 */
public final class TckFixture implements AutoCloseable {

    /** The spec's literal environment: every bottle the TCK makes has it. */
    public static final Map<String, String> BOTTLE_ENV = Map.of("BOTTLE_KIND", "tck");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final BackendContract contract;
    private final BackendProvider provider;
    private final BottleBackend backend;
    private final Set<String> slugs = ConcurrentHashMap.newKeySet();
    private final List<TckListener> listeners = new CopyOnWriteArrayList<>();
    private final List<TckDnsResponder> responders = new CopyOnWriteArrayList<>();
    private SharedBottle shared;
    private String dnsProblem = "";

    TckFixture(BackendContract contract) {
        this.contract = contract;
        this.provider = contract.provider();
        this.backend = provider.create(context(contract.options()));
    }

    /** @return the provider under test */
    public BackendProvider provider() {
        return provider;
    }

    /** @return the backend every test uses */
    public BottleBackend backend() {
        return backend;
    }

    /**
     * A second backend from the same provider, as another process would make it: it shares no memory with
     * {@link #backend()}, so what it finds it found by slug.
     *
     * @return a new backend
     */
    public BottleBackend freshBackend() {
        return provider.create(context(contract.options()));
    }

    /**
     * @param options backend options replacing the contract's
     * @return a new backend made with them
     */
    public BottleBackend backendWith(Map<String, String> options) {
        return provider.create(context(options));
    }

    private BackendContext context(Map<String, String> options) {
        return new BackendContext(contract.home(), ProgressListener.NONE, options);
    }

    /** @return the image bottles start from */
    public ImageSpec image() {
        return contract.image();
    }

    /**
     * @param what a short word for the test ({@code exec}, {@code cycle})
     * @return a new slug, recorded so {@link #close()} tears its bottle down
     */
    public String newSlug(String what) {
        String suffix = Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
        String slug = contract.slugPrefix() + "-" + what + "-" + suffix.substring(0, Math.min(6, suffix.length()));
        slugs.add(slug);
        return slug;
    }

    /**
     * @param slug the bottle
     * @return the spec of a TCK bottle: the contract's image, {@link #BOTTLE_ENV}, a {@code dev.botbottle.tck} label,
     *         no limits, full isolation required
     */
    public BottleSpec spec(String slug) {
        return new BottleSpec(slug, "tck", contract.image(), BOTTLE_ENV, Map.of("dev.botbottle.tck", "true"),
                ResourceLimits.NONE, false);
    }

    /**
     * Prepares, creates and starts a bottle whose gateway ports are those of the given listeners.
     *
     * @param slug the bottle
     * @param gateways host listeners to allow
     * @return the running bottle
     */
    public Launched launch(String slug, List<TckListener> gateways) {
        BottleSpec spec = spec(slug);
        HostReach reach = backend.prepare(spec);
        backend.create(spec, reach, GatewayPorts.tcp(gateways.stream().map(TckListener::port).toList()));
        return new Launched(slug, reach, backend.start(slug));
    }

    /**
     * Prepares and creates a bottle with one gateway listener on its bind address, then starts it. Created through
     * {@link BottleBackend#create(BottleSpec, HostReach, GatewayPorts)}, as the runtime does.
     *
     * @param what a short word for the test
     * @return the running bottle and its gateway listener
     */
    public Launched launchWithGateway(String what) {
        String slug = newSlug(what);
        BottleSpec spec = spec(slug);
        HostReach reach = backend.prepare(spec);
        TckListener gateway = listen(reach.bindAddress());
        backend.create(spec, reach, GatewayPorts.tcp(gateway.port()));
        return new Launched(slug, reach, backend.start(slug), gateway);
    }

    /**
     * @param address a host address
     * @return a listener there, closed by {@link #close()}
     */
    public TckListener listen(String address) {
        try {
            TckListener listener = TckListener.on(address);
            listeners.add(listener);
            return listener;
        } catch (IOException e) {
            throw new UncheckedIOException("could not listen on " + address, e);
        }
    }

    /** @return the bottle the read-mostly tests share, made on first use */
    public synchronized SharedBottle shared() {
        if (shared == null) {
            String slug = newSlug("shared");
            BottleSpec spec = spec(slug);
            HostReach reach = backend.prepare(spec);
            TckListener gateway = listen(reach.bindAddress());
            TckListener other = listen(reach.bindAddress());
            TckListener outside = contract.outsideAddress().map(a -> listen(a.getHostAddress())).orElse(null);
            TckDnsResponder dns = null;
            try {
                dns = TckDnsResponder.on(reach.bindAddress());
                responders.add(dns);
            } catch (IOException e) {
                dnsProblem = "could not answer DNS on " + reach.bindAddress() + ":" + TckDnsResponder.PORT + " (" + e
                        + "); binding port 53 needs root";
            }
            backend.create(spec, reach, new GatewayPorts(List.of(gateway.port()),
                    dns == null ? List.of() : List.of(TckDnsResponder.PORT)));
            shared = new SharedBottle(slug, reach, backend.start(slug), gateway, other, Optional.ofNullable(outside),
                    Optional.ofNullable(dns));
        }
        return shared;
    }

    /**
     * Connects from inside the bottle to a host port and reads one line, with bash's {@code /dev/tcp}. The
     * {@code timeout} only bounds an attempt that hangs; nothing asserts on time.
     *
     * @param bottle where to connect from
     * @param host the address to dial
     * @param listener the listener whose token proves the connection reached it
     * @return whether the bottle read the listener's token
     */
    public static boolean reaches(Bottle bottle, String host, TckListener listener) {
        ExecResult r = bottle.exec(ExecRequest.of("timeout", "20", "bash", "-c",
                        "exec 3<>/dev/tcp/$0/$1 && IFS= read -r line <&3 && printf %s \"$line\"",
                        host, Integer.toString(listener.port()))
                .withTimeout(Duration.ofSeconds(60)));
        return r.exitCode() == 0 && r.stdoutText().equals(listener.token());
    }

    /** @return the host's first non-loopback IPv4 address that is not a container bridge's, if any */
    public static Optional<InetAddress> mainAddress() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                String name = nic.getName();
                if (!nic.isUp() || nic.isLoopback() || name.startsWith("docker") || name.startsWith("bb")
                        || name.startsWith("br-") || name.startsWith("veth") || name.startsWith("sd-")) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress()
                            && !address.isLinkLocalAddress()) {
                        return Optional.of(address);
                    }
                }
            }
        } catch (SocketException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Tears down every bottle the tests made and closes every listener; the first failure is rethrown. */
    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (String slug : slugs) {
            try {
                backend.teardown(slug);
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        responders.forEach(TckDnsResponder::close);
        for (TckListener l : listeners) {
            try {
                l.close();
            } catch (IOException e) {
                failures.add(new UncheckedIOException(e));
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    /**
     * A bottle a test launched.
     *
     * @param slug its slug
     * @param reach where it reaches the host
     * @param bottle the handle
     * @param gateway its gateway listener, or {@code null}
     */
    public record Launched(String slug, HostReach reach, Bottle bottle, TckListener gateway) {
        Launched(String slug, HostReach reach, Bottle bottle) {
            this(slug, reach, bottle, null);
        }
    }

    /**
     * The bottle the read-mostly tests share.
     *
     * @param slug its slug
     * @param reach where it reaches the host
     * @param bottle the handle
     * @param gateway the listener on the bind address whose port is the bottle's gateway port
     * @param other a listener on the bind address whose port was not given to the backend
     * @param outside a listener on the host's main address, when the host has one
     * @param dns the stand-in for the gateway's DNS responder on the bind address (UDP 53), when it could bind
     */
    public record SharedBottle(String slug, HostReach reach, Bottle bottle, TckListener gateway, TckListener other,
                               Optional<TckListener> outside, Optional<TckDnsResponder> dns) {
    }

    /** @return why the shared bottle has no DNS responder, or empty */
    public synchronized String dnsProblem() {
        return dnsProblem;
    }

    /** @return a path for the given file under the contract's home (scratch space the tests may use) */
    Path scratch(String name) {
        return contract.home().resolve(name);
    }
}
