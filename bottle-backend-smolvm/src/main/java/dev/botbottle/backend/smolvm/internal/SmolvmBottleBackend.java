package dev.botbottle.backend.smolvm.internal;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.BackendPlan;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.GatewayPorts;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.support.AgentUser;
import dev.botbottle.spi.support.TeardownSteps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The smolvm backend: one microVM per bottle, limited by its allow-list to one host address of its own where the
 * gateway services listen, that address limited by a host firewall chain to the gateway ports. Keeps no state of
 * its own: the machine's labels and the address device's alias say everything another process needs.
 */
public final class SmolvmBottleBackend implements BottleBackend {

    private static final Logger LOG = LoggerFactory.getLogger(SmolvmBottleBackend.class);
    /** Where the gateway services listen when the bottle is weakly isolated: smolvm relays the guest's 100.96.0.1 here. */
    static final String LOOPBACK = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    private final SmolvmCli cli;
    private final HostAddresses addresses;
    private final AddressFirewall firewall;
    private final ImageArchives images;
    private final ProgressListener progress;
    private final String runtime;

    /**
     * @param cli the smolvm CLI
     * @param addresses makes the bottles' host addresses
     * @param firewall limits them to the gateway ports
     * @param images finds or makes image archives
     * @param progress receives progress of long steps
     * @param runtime what runs the machines, for the plan ("smolvm 1.9.2 microVMs (libkrun)")
     */
    public SmolvmBottleBackend(SmolvmCli cli, HostAddresses addresses, AddressFirewall firewall, ImageArchives images,
                               ProgressListener progress, String runtime) {
        this.cli = cli;
        this.addresses = addresses;
        this.firewall = firewall;
        this.images = images;
        this.progress = progress;
        this.runtime = runtime;
    }

    @Override
    public String name() {
        return "smolvm";
    }

    @Override
    public BackendPlan describe(BottleSpec spec) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("runtime", runtime);
        details.put("image", spec.image().reference() + (ImageArchives.isArchivePath(spec.image().reference())
                ? " (an archive)" : " (saved from the local Docker engine as an archive"
                + (spec.image().buildable() ? "; built from its Dockerfile when missing)" : "; must exist)")));
        details.put("machine", Names.machine(spec.slug()) + " (agent user from image label " + Names.USER_LABEL
                + ", else uid 1000, added when the image has none; never root)");
        Optional<String> problem = firewall.unavailableReason();
        details.put("network", problem.isEmpty()
                ? "allow-list: one host address of its own (device " + Names.device(spec.slug()) + ", 198.18.0.0/15); "
                + "DNS: every query forwarded to the gateway's responder there"
                : "allow-list: the host loopback relay " + SmolvmArgs.LOOPBACK_RELAY + "; DNS: every query forwarded to "
                + "the gateway's responder on " + LOOPBACK);
        details.put("host isolation", isolation(spec.slug(), problem, spec.allowWeakIsolation()));
        details.put("limits", describeLimits(spec));
        return new BackendPlan(name(), details);
    }

    @Override
    public HostReach prepare(BottleSpec spec) {
        String slug = spec.slug();
        String machine = Names.machine(slug);
        Optional<MachineState> existing = cli.status(machine);
        if (existing.isPresent()) {
            throw collision(slug, machine, existing.get());
        }
        Optional<String> problem = firewall.unavailableReason();
        if (problem.isPresent()) {
            if (!spec.allowWeakIsolation()) {
                throw weakRefused(slug, problem.get());
            }
            LOG.warn("bottle {} runs with weak isolation: it can reach every service on this host's loopback ({})",
                    slug, problem.get());
            return new HostReach(LOOPBACK, SmolvmArgs.LOOPBACK_RELAY, isolation(slug, problem, true));
        }
        if (addresses.address(slug).isPresent()) {
            throw new BackendException("host address device " + Names.device(slug) + " already exists, left over "
                    + "from an earlier bottle '" + slug + "'. Remove it with 'bottle rm " + slug + "', or by hand: "
                    + "'ip link del " + Names.device(slug) + "'");
        }
        progress.onProgress("network", "giving bottle " + slug + " its own host address");
        String address = addresses.allocate(slug);
        return new HostReach(address, address, isolation(slug, Optional.empty(), spec.allowWeakIsolation()));
    }

    @Override
    public void create(BottleSpec spec, HostReach reach, List<Integer> gatewayPorts) {
        create(spec, reach, GatewayPorts.tcp(gatewayPorts));
    }

    @Override
    public void create(BottleSpec spec, HostReach reach, GatewayPorts gatewayPorts) {
        String slug = spec.slug();
        ImageArchives.Archive archive = images.ensure(spec.image(), progress);
        boolean weak = reach.bottleAddress().equals(SmolvmArgs.LOOPBACK_RELAY);
        if (!weak) {
            firewall.install(slug, reach.bindAddress(), gatewayPorts);
        }
        Map<String, String> labels = new TreeMap<>(spec.labels());
        labels.put(Names.MANAGED_LABEL, "true");
        labels.put(Names.SLUG_LABEL, slug);
        labels.put(Names.AGENT_LABEL, spec.agent());
        labels.put(Names.ISOLATION_LABEL, weak ? "weak" : "address");
        labels.put(Names.ADDRESS_LABEL, reach.bottleAddress());
        Optional.ofNullable(archive.labels().get(Names.USER_LABEL)).ifPresent(u -> labels.put(Names.USER_LABEL, u));
        progress.onProgress("bottle", "creating machine " + Names.machine(slug));
        cli.check("create machine " + Names.machine(slug), SmolvmArgs.create(Names.machine(slug), archive.path(),
                labels, spec.env(), spec.limits(), reach.bottleAddress(), reach.bindAddress()));
    }

    @Override
    public Bottle start(String slug) {
        String machine = Names.machine(slug);
        progress.onProgress("bottle", "starting machine " + machine);
        cli.check("start machine " + machine, SmolvmArgs.start(machine));
        return handle(slug, true);
    }

    @Override
    public void stop(String slug) {
        cli.check("stop machine " + Names.machine(slug), SmolvmArgs.stop(Names.machine(slug)));
    }

    @Override
    public Bottle resume(String slug, List<Integer> gatewayPorts) {
        return resume(slug, GatewayPorts.tcp(gatewayPorts));
    }

    @Override
    public Bottle resume(String slug, GatewayPorts gatewayPorts) {
        String machine = Names.machine(slug);
        MachineState state = cli.status(machine).orElseThrow(() -> new BackendException("cannot resume bottle '"
                + slug + "': smolvm has no machine " + machine + "; it was torn down or never created"));
        if (!"weak".equals(state.labels().get(Names.ISOLATION_LABEL))) {
            String address = state.labels().get(Names.ADDRESS_LABEL);
            if (address == null) {
                throw new BackendException("cannot resume bottle '" + slug + "': machine " + machine + " has no "
                        + Names.ADDRESS_LABEL + " label; it was not made by this backend");
            }
            addresses.ensure(slug, address);
            firewall.install(slug, address, gatewayPorts);
        }
        if (!state.running()) {
            cli.check("start machine " + machine, SmolvmArgs.start(machine));
        }
        return handle(slug, true);
    }

    @Override
    public Bottle attach(String slug) {
        return handle(slug, false);
    }

    @Override
    public void teardown(String slug) {
        String machine = Names.machine(slug);
        TeardownSteps steps = new TeardownSteps(slug);
        steps.run("delete machine " + machine, () -> {
            Optional<MachineState> state = cli.status(machine);
            if (state.isPresent() && !"true".equals(state.get().labels().get(Names.MANAGED_LABEL))) {
                LOG.warn("not deleting machine {}: it has a bottle's name but no {}=true label, so bot-bottle did not "
                        + "make it", machine, Names.MANAGED_LABEL);
            } else if (state.isPresent()) {
                cli.check("delete machine " + machine, SmolvmArgs.delete(machine));
            }
        });
        steps.run("remove host firewall chain " + Names.chain(slug), () -> {
            if (firewall.unavailableReason().isEmpty()) {
                firewall.remove(slug);
            }
        });
        steps.run("remove host address device " + Names.device(slug), () -> addresses.remove(slug));
        steps.finish();
    }

    @Override
    public Set<String> list() {
        Set<String> slugs = new LinkedHashSet<>();
        for (MachineState m : cli.list()) {
            String slug = m.labels().get(Names.SLUG_LABEL);
            if ("true".equals(m.labels().get(Names.MANAGED_LABEL)) && slug != null) {
                slugs.add(slug);
            }
        }
        slugs.addAll(addresses.slugs());
        return Set.copyOf(slugs);
    }

    private Bottle handle(String slug, boolean waitUntilReady) {
        String machine = Names.machine(slug);
        MachineState state = cli.status(machine).orElseThrow(() -> new BackendException("no bottle '" + slug
                + "' runs: smolvm has no machine " + machine));
        if (!state.running()) {
            throw new BackendException("bottle '" + slug + "' is not running (machine " + machine + " is "
                    + state.state() + "); resume it first");
        }
        var root = new SmolvmBottle(cli, slug, Map.of("root", AgentUser.ROOT), AgentUser.ROOT);
        ExecRequest readPasswd = ExecRequest.of("cat", "/etc/passwd").asUser("root").inDirectory("/")
                .withTimeout(Duration.ofMinutes(1));
        ExecResult passwd = waitUntilReady ? untilReady(root, readPasswd, slug) : root.exec(readPasswd);
        if (!passwd.succeeded()) {
            throw new BackendException("could not read /etc/passwd in bottle '" + slug + "' (exit " + passwd.exitCode()
                    + "): " + passwd.stderrText().trim());
        }
        Map<String, AgentUser> users = AgentUser.parse(passwd.stdoutText());
        Optional<String> labelled = Optional.ofNullable(state.labels().get(Names.USER_LABEL));
        if (AgentUser.needsAgentUser(users, labelled)) {
            users = addAgentUser(root, slug);
        }
        try {
            AgentUser agent = AgentUser.choose(users, labelled);
            return new SmolvmBottle(cli, slug, users, agent);
        } catch (IllegalArgumentException e) {
            throw new BackendException("bottle '" + slug + "': " + e.getMessage() + "; fix the image", e);
        }
    }

    /** The agent is never root: a machine whose image has no uid 1000 user gets one. @return the users after */
    private static Map<String, AgentUser> addAgentUser(SmolvmBottle root, String slug) {
        ExecResult added = root.exec(ExecRequest.of("sh", "-c", AgentUser.ENSURE_UID_1000).asUser("root")
                .inDirectory("/").withTimeout(Duration.ofMinutes(1)));
        ExecResult passwd = root.exec(ExecRequest.of("cat", "/etc/passwd").asUser("root").inDirectory("/")
                .withTimeout(Duration.ofMinutes(1)));
        if (!added.succeeded() || !passwd.succeeded()) {
            throw new BackendException("bottle '" + slug + "': the image has no user with uid 1000 and adding one"
                    + " failed (exit " + added.exitCode() + "): " + added.stderrText().trim() + "; give the image a"
                    + " non-root user with uid 1000 or name one in its " + Names.USER_LABEL + " label");
        }
        LOG.info("bottle {}: the image has no user with uid 1000; added one for the agent", slug);
        return AgentUser.parse(passwd.stdoutText());
    }

    /** A freshly started machine may not take commands yet: retry the first one, backing off, for a while. */
    private static ExecResult untilReady(SmolvmBottle root, ExecRequest request, String slug) {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        long pause = 100;
        while (true) {
            try {
                return root.exec(request);
            } catch (BackendException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new BackendException("bottle '" + slug + "' did not take commands within "
                            + READY_TIMEOUT.toMinutes() + " minutes of its start: " + e.getMessage(), e);
                }
                LOG.debug("bottle {} not ready yet: {}", slug, e.getMessage());
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackendException("interrupted while waiting for bottle '" + slug + "' to start", e);
            }
            pause = Math.min(pause * 2, 2000);
        }
    }

    private static String isolation(String slug, Optional<String> firewallProblem, boolean weakAllowed) {
        if (firewallProblem.isEmpty()) {
            return "the machine reaches only its own host address (device " + Names.device(slug) + "), where host "
                    + "firewall chain " + Names.chain(slug) + " accepts only the gateway ports";
        }
        return (weakAllowed ? "WEAK (allowed)" : "WEAK (refused)") + ": no host firewall rules ("
                + firewallProblem.get() + "); the machine reaches every service on this host's loopback through "
                + SmolvmArgs.LOOPBACK_RELAY;
    }

    private static String describeLimits(BottleSpec spec) {
        List<String> args = SmolvmArgs.limits(spec.limits());
        String limits = args.isEmpty() ? "smolvm defaults" : String.join(" ", args);
        return spec.limits().pids().isPresent() ? limits + " (process limit not enforced: smolvm has none)" : limits;
    }

    private static BackendException collision(String slug, String machine, MachineState state) {
        if (!"true".equals(state.labels().get(Names.MANAGED_LABEL))) {
            return new BackendException("a smolvm machine named '" + machine + "' already exists and was not made by "
                    + "bot-bottle (no " + Names.MANAGED_LABEL + "=true label); choose another bottle name, or remove "
                    + "it yourself if you are sure: 'smolvm machine delete --name " + machine + " -f'");
        }
        return new BackendException("a smolvm machine named '" + machine + "' already exists, left over from an "
                + "earlier bottle '" + slug + "'. Remove it with 'bottle rm " + slug + "', or by hand: 'smolvm machine "
                + "delete --name " + machine + " -f'");
    }

    private static BackendException weakRefused(String slug, String why) {
        return new BackendException("cannot isolate bottle '" + slug + "' from this host's services: " + why
                + ". Run as root with iptables and iproute2 installed, or accept weak isolation (the bottle could then "
                + "reach every service listening on this host's loopback)");
    }
}
