package dev.botbottle.core.escape;

import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.Secret;
import dev.botbottle.spi.support.HostFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Runs the sandbox-escape catalogue ({@link EscapeCatalogue}) inside a running bottle as its agent user, one attempt
 * per exec, and judges each attempt from what the attacker saw and from the host side: the audit trails of the
 * bottle's gateway services (an attempt that reached a service must have its line there), witness listeners on every
 * host address, the other bottle's gateway services (whose trails must not move), and an optional {@link Witness}.
 *
 * <p>The attacker is handed what the host knows, in {@code BBX_*} variables: the bottle's own bridge address and
 * gateway ports, the host's addresses and the listeners on them, the routes it may use (an auth route, a plain
 * route, a passthrough route, a wildcard suffix), its first git remote and push policy, and — for attacks across
 * bottles — the other bottle's address, ports, proxy URL, gate URL and supervise bearer. The secrets the bottle must
 * never see (the real route credentials, key material) go in a 0600 file as needles the attacker searches for; one of
 * them is the secret it is assumed to have stolen and tries to carry out.
 *
 * <p>Used by {@code SandboxEscapeIT} and by {@code bottle doctor --escape-test}. Not thread-safe; one run at a time.
 *
 * @since 0.3
 */
public final class EscapeTest {

    private final BottleRuntime runtime;
    private final RunningBottle attacker;
    private final Optional<RunningBottle> neighbour;
    private final List<String> needles;
    private final Secret stolen;
    private final Witness witness;
    private final ProgressListener progress;
    private final Optional<Path> passthroughCa;
    private final String floorHost;
    private final boolean upstreamUnreachable;
    private final Predicate<Attempt> filter;
    private final List<String> protections;

    private EscapeTest(Builder b) {
        this.runtime = b.runtime;
        this.attacker = b.attacker;
        this.neighbour = Optional.ofNullable(b.neighbour);
        this.needles = List.copyOf(b.needles);
        this.stolen = b.stolen != null ? b.stolen : Secret.of(b.needles.isEmpty() ? "bot-bottle-escape-canary-"
                + UUID.randomUUID() : b.needles.get(0));
        this.witness = b.witness;
        this.progress = b.progress;
        this.passthroughCa = Optional.ofNullable(b.passthroughCa);
        this.floorHost = b.floorHost;
        this.upstreamUnreachable = b.upstreamUnreachable;
        this.filter = b.filter;
        this.protections = protections(attacker);
    }

    /**
     * @param runtime the runtime holding both bottles (its state tells where each reaches the host)
     * @param attacker the bottle the attacker runs in
     * @return a builder
     */
    public static Builder builder(BottleRuntime runtime, RunningBottle attacker) {
        return new Builder(runtime, attacker);
    }

    /** @return the protections in force for a bottle, from its plan, the ones missing marked NOT IN FORCE */
    static List<String> protections(RunningBottle bottle) {
        List<String> out = new ArrayList<>();
        out.add("backend: " + bottle.plan().backend());
        bottle.plan().backendPlan().details().forEach((k, v) -> out.add(k + ": " + v));
        bottle.plan().backendPlan().warnings().forEach(w -> out.add("NOT IN FORCE: " + w));
        return out;
    }

    /**
     * Runs every attempt (controls first) in the attacker, then the container family in the neighbour when its
     * image differs.
     *
     * @return the report; the bottles are left as they were (the staging directory is removed)
     */
    public EscapeReport run() {
        EscapeCatalogue catalogue = EscapeCatalogue.load();
        BottleFacts self = BottleFacts.of(runtime, attacker);
        Optional<BottleFacts> other = neighbour.map(n -> BottleFacts.of(runtime, n));
        List<EscapeRow> rows = new ArrayList<>();
        String dir = "/tmp/bot-bottle-escape-" + UUID.randomUUID().toString().substring(0, 8);
        try (HostListeners listeners = HostListeners.start();
             AuditWatch own = new AuditWatch(attacker);
             AuditWatch theirs = neighbour.map(AuditWatch::new).orElse(null)) {
            stage(attacker, dir, catalogue);
            Map<String, String> env = new LinkedHashMap<>(variables(self, listeners, dir));
            other.ifPresent(o -> env.putAll(o.neighbourVariables()));
            neighbour.ifPresent(n -> {
                stage(n, dir, catalogue);
                n.exec(ExecRequest.of("sh", "-c", "nohup perl " + dir + "/net.pl listen 8080 " + dir
                        + "/heard >/dev/null 2>&1 &"));
                env.put("BBX_OTHER_CTR_PORT", "8080");
            });
            Judge judge = new Judge(own, theirs, listeners, witness, neighbour, dir);
            List<Attempt> attempts = catalogue.attempts().stream().filter(filter).toList();
            for (Attempt a : attempts) {
                progress.onProgress("escape", a.id() + ": " + a.title());
                rows.add(judge.run(attacker, a, env));
            }
            if (neighbour.isPresent() && !neighbour.get().plan().image().reference()
                    .equals(attacker.plan().image().reference())) {
                RunningBottle n = neighbour.get();
                Map<String, String> nenv = new LinkedHashMap<>(other.get().selfVariables(floorHost));
                nenv.put("BBX_DIR", dir);
                Judge inB = new Judge(theirs, null, listeners, Witness.NONE, Optional.empty(), dir);
                for (Attempt a : attempts.stream().filter(x -> x.family().equals("container")).toList()) {
                    progress.onProgress("escape", a.id() + " in " + n.slug());
                    rows.add(inB.run(n, a, nenv));
                }
            }
        } finally {
            cleanUp(attacker, dir);
            neighbour.ifPresent(n -> cleanUp(n, dir));
        }
        return new EscapeReport(protections, rows);
    }

    private Map<String, String> variables(BottleFacts self, HostListeners listeners, String dir) {
        Map<String, String> v = new LinkedHashMap<>(self.selfVariables(floorHost));
        v.put("BBX_DIR", dir);
        Set<String> v4 = new LinkedHashSet<>();
        Set<String> v6 = new LinkedHashSet<>();
        for (InetAddress a : HostListeners.hostAddresses()) {
            if (a.isLoopbackAddress()) {
                continue;
            }
            (a instanceof Inet6Address ? v6 : v4).add(HostListeners.literal(a));
        }
        v.put("BBX_HOST4", String.join(" ", v4));
        v.put("BBX_HOST6", String.join(" ", v6));
        List<HostListeners.Listener> all = listeners.listeners();
        v.put("BBX_WIT_TCP", all.stream().filter(l -> l.tcp() && !l.address().isLoopbackAddress())
                .map(HostListeners.Listener::hostPort).collect(Collectors.joining(" ")));
        v.put("BBX_WIT_UDP", all.stream().filter(l -> !l.tcp() && !l.address().isLoopbackAddress())
                .map(HostListeners.Listener::hostPort).collect(Collectors.joining(" ")));
        all.stream().filter(l -> l.tcp() && l.address().isLoopbackAddress() && !(l.address() instanceof Inet6Address))
                .findFirst().ifPresent(l -> v.put("BBX_LOOP_TCP", String.valueOf(l.port())));
        passthroughCa.ifPresent(p -> v.put("BBX_PASS_CA", dir + "/passthrough-ca.pem"));
        List<String> placeholders = List.copyOf(attacker.plan().agentPlan().provision().placeholderEnv().keySet());
        v.put("BBX_PLACEHOLDER_VARS", String.join(" ", placeholders));
        if (upstreamUnreachable) {
            v.put("BBX_GIT_UPSTREAM_UNREACHABLE", "1");
        }
        return v;
    }

    /** Puts the script, the probes and the needles into the bottle, readable by its agent user only. */
    private void stage(RunningBottle bottle, String dir, EscapeCatalogue catalogue) {
        Path host;
        try {
            host = Files.createTempDirectory("bot-bottle-escape");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a staging directory for the escape test", e);
        }
        try {
            ExecResult mk = bottle.exec(ExecRequest.of("mkdir", "-m", "0700", dir));
            if (!mk.succeeded()) {
                throw new BackendException("cannot make " + dir + " in bottle " + bottle.slug() + ": "
                        + mk.stderrText().strip());
            }
            copy(bottle, host, "attempts.sh", catalogue.script(), dir, 0700);
            copy(bottle, host, "net.pl", catalogue.probes(), dir, 0700);
            String lines = needles.stream().filter(n -> !n.isBlank()).map(String::strip)
                    .collect(Collectors.joining("\n"));
            copy(bottle, host, "needles", (lines.isEmpty() ? "" : lines + "\n").getBytes(StandardCharsets.UTF_8), dir,
                    0600);
            copy(bottle, host, "secret", stolen.reveal().getBytes(StandardCharsets.UTF_8), dir, 0600);
            if (passthroughCa.isPresent()) {
                bottle.copyIn(passthroughCa.get(), dir + "/passthrough-ca.pem", FileOwner.AGENT, 0644);
            }
        } finally {
            try {
                HostFiles.deleteTree(host);
            } catch (IOException e) {
                // a leftover temp dir is no failure of the test
            }
        }
    }

    private static void copy(RunningBottle bottle, Path host, String name, byte[] content, String dir, int mode) {
        try {
            Path f = host.resolve(name);
            Files.write(f, content);
            bottle.copyIn(f, dir + "/" + name, FileOwner.AGENT, mode);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage " + name + " for the escape test", e);
        }
    }

    private static void cleanUp(RunningBottle bottle, String dir) {
        try {
            bottle.exec(ExecRequest.of("sh", "-c", "pkill -f '" + dir + "/net.pl' ; rm -rf '" + dir + "'")
                    .asUser("root"));
        } catch (RuntimeException e) {
            // the bottle may already be gone
        }
    }

    /**
     * What to run and what the host knows.
     */
    public static final class Builder {
        private final BottleRuntime runtime;
        private final RunningBottle attacker;
        private RunningBottle neighbour;
        private final List<String> needles = new ArrayList<>();
        private Secret stolen;
        private Witness witness = Witness.NONE;
        private ProgressListener progress = ProgressListener.NONE;
        private Path passthroughCa;
        private String floorHost = "";
        private boolean upstreamUnreachable;
        private Predicate<Attempt> filter = a -> true;

        private Builder(BottleRuntime runtime, RunningBottle attacker) {
            this.runtime = Objects.requireNonNull(runtime, "runtime");
            this.attacker = Objects.requireNonNull(attacker, "attacker");
        }

        /** @param value a second bottle, the target of the attacks across bottles @return this builder */
        public Builder neighbour(RunningBottle value) {
            this.neighbour = value;
            return this;
        }

        /**
         * @param value a secret the bottle must never see (a real route credential, a line of key material); the
         *              first one given is also the secret the attacker is assumed to have stolen, unless
         *              {@link #stolen} says otherwise
         * @return this builder
         */
        public Builder needle(Secret value) {
            needles.add(value.reveal());
            return this;
        }

        /** @param value the secret the attacker tries to carry out @return this builder */
        public Builder stolen(Secret value) {
            this.stolen = value;
            return this;
        }

        /** @param value who tells what got out (default: nobody) @return this builder */
        public Builder witness(Witness value) {
            this.witness = Objects.requireNonNull(value);
            return this;
        }

        /** @param value receives one event per attempt @return this builder */
        public Builder progress(ProgressListener value) {
            this.progress = Objects.requireNonNull(value);
            return this;
        }

        /** @param file the CA the passthrough route's upstream presents, when the bottle does not trust it @return this builder */
        public Builder passthroughCa(Path file) {
            this.passthroughCa = file;
            return this;
        }

        /** @param host a route host that resolves to a private address and has no allow_private @return this builder */
        public Builder floorHost(String host) {
            this.floorHost = Objects.requireNonNull(host);
            return this;
        }

        /**
         * @param value whether the git gate cannot reach upstream by design (canary keys): git attempts that need a
         *              clone then work on a fresh repository, and the git control does not apply
         * @return this builder
         */
        public Builder upstreamUnreachable(boolean value) {
            this.upstreamUnreachable = value;
            return this;
        }

        /** @param value which attempts to run (default: all) @return this builder */
        public Builder only(Predicate<Attempt> value) {
            this.filter = Objects.requireNonNull(value);
            return this;
        }

        /** @return the test, ready to {@link EscapeTest#run()} */
        public EscapeTest build() {
            return new EscapeTest(this);
        }
    }
}
