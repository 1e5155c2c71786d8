package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.BackendPlan;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Docker backend: one internal network, one idle container and one host firewall chain per bottle, all
 * named after the slug. Keeps no state of its own: every call finds its objects by name, so another process can
 * resume, attach or tear down.
 */
public final class DockerBottleBackend implements BottleBackend {

    private static final Logger LOG = LoggerFactory.getLogger(DockerBottleBackend.class);

    private final DockerCli docker;
    private final HostFirewall firewall;
    private final Images images;
    private final ProgressListener progress;
    private volatile Boolean runsc;

    /**
     * @param docker the CLI
     * @param firewall the host firewall
     * @param images finds or builds images
     * @param progress receives progress of long steps
     */
    public DockerBottleBackend(DockerCli docker, HostFirewall firewall, Images images, ProgressListener progress) {
        this.docker = docker;
        this.firewall = firewall;
        this.images = images;
        this.progress = progress;
    }

    /**
     * @param docker the CLI
     * @param firewall the host firewall
     * @param images finds or builds images
     * @param progress receives progress of long steps
     * @param runsc whether the engine offers gVisor's runsc, when the availability check already learned it (so
     *              describing a plan asks the engine nothing more); empty to ask at the first create
     */
    public DockerBottleBackend(DockerCli docker, HostFirewall firewall, Images images, ProgressListener progress,
                               java.util.Optional<Boolean> runsc) {
        this(docker, firewall, images, progress);
        this.runsc = runsc.orElse(null);
    }

    @Override
    public String name() {
        return "docker";
    }

    @Override
    public BackendPlan describe(BottleSpec spec) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("image", spec.image().reference()
                + (spec.image().buildable() ? " (built from its Dockerfile when missing)" : " (must exist)"));
        details.put("container", Names.container(spec.slug()) + " (idle init; agent user from image label "
                + Names.USER_LABEL + ", else uid 1000, added when the image has none; never root)");
        details.put("network", Names.network(spec.slug()) + " (internal, bridge " + Names.bridgeInterface(spec.slug())
                + ")");
        details.put("runtime", runtimeDescription());
        Optional<String> noFirewall = firewall.unavailableReason();
        details.put("host isolation", isolation(spec.slug(), noFirewall, spec.allowWeakIsolation()));
        details.put("capabilities", "all dropped except " + String.join(", ", DockerArgs.KEPT_CAPABILITIES)
                + " (root's, for provisioning; the agent user has none); no-new-privileges; not privileged;"
                + " no docker socket");
        details.put("limits", describe(spec.limits()));
        List<String> warnings = new ArrayList<>();
        noFirewall.ifPresent(why -> warnings.add("weak isolation: no host firewall chain (" + why + "); the bottle"
                + " can reach every service listening on this host's addresses"
                + (spec.allowWeakIsolation() ? "" : " — the launch is refused unless weak isolation is accepted")));
        if (!runscKnown().orElse(true)) {
            warnings.add("no gVisor: runsc is not registered with the engine, so the bottle runs on runc and shares the"
                    + " host's kernel (a kernel exploit escapes it)");
        }
        return new BackendPlan(name(), details, warnings);
    }

    @Override
    public HostReach prepare(BottleSpec spec) {
        String slug = spec.slug();
        String container = Names.container(slug);
        String network = Names.network(slug);
        DockerCli.Presence containerPresence = docker.container(container);
        if (containerPresence != DockerCli.Presence.ABSENT) {
            throw collision("container", container, slug, containerPresence);
        }
        DockerCli.Presence networkPresence = docker.network(network);
        if (networkPresence != DockerCli.Presence.ABSENT) {
            throw collision("network", network, slug, networkPresence);
        }
        Optional<String> firewallProblem = firewall.unavailableReason();
        if (firewallProblem.isPresent() && !spec.allowWeakIsolation()) {
            throw weakRefused(slug, firewallProblem.get());
        }
        progress.onProgress("network", "creating internal network " + network);
        docker.check("create network " + network, DockerArgs.networkCreate(spec));
        String gateway = bridgeAddress(slug);
        return new HostReach(gateway, gateway, isolation(slug, firewallProblem, spec.allowWeakIsolation()));
    }

    @Override
    public void create(BottleSpec spec, HostReach reach, List<Integer> gatewayPorts) {
        create(spec, reach, GatewayPorts.tcp(gatewayPorts));
    }

    @Override
    public void create(BottleSpec spec, HostReach reach, GatewayPorts gatewayPorts) {
        String slug = spec.slug();
        images.ensure(spec.image(), progress);
        boolean weak = !installFirewall(slug, reach.bindAddress(), gatewayPorts, spec.allowWeakIsolation());
        progress.onProgress("container", "creating container " + Names.container(slug));
        docker.check("create container " + Names.container(slug), DockerArgs.containerCreate(spec, runsc(), weak,
                reach.bindAddress()));
    }

    @Override
    public Bottle start(String slug) {
        docker.check("start container " + Names.container(slug), List.of("start", Names.container(slug)));
        return handle(slug);
    }

    @Override
    public void stop(String slug) {
        docker.check("stop container " + Names.container(slug), List.of("stop", Names.container(slug)));
    }

    @Override
    public Bottle resume(String slug, List<Integer> gatewayPorts) {
        return resume(slug, GatewayPorts.tcp(gatewayPorts));
    }

    @Override
    public Bottle resume(String slug, GatewayPorts gatewayPorts) {
        String container = Names.container(slug);
        CommandResult inspect = docker.run(List.of("container", "inspect", "--format", "{{json .}}", container));
        if (!inspect.succeeded()) {
            throw new BackendException("cannot resume bottle '" + slug + "': docker has no container " + container
                    + " (" + inspect.stderrText() + "); it was torn down or never created");
        }
        DockerOutput.ContainerState state = DockerOutput.container(inspect.stdoutText());
        boolean weakAllowed = "weak".equals(state.labels().get(Names.ISOLATION_LABEL));
        installFirewall(slug, bridgeAddress(slug), gatewayPorts, weakAllowed);
        if (!state.running()) {
            docker.check("start container " + container, List.of("start", container));
        }
        return handle(slug);
    }

    /**
     * Commits the stopped container, builds {@code FROM} that commit with the host's extra CAs trusted and the
     * instructions run as root (the image's user restored after), then replaces the container with one from the new
     * image, in the same network and firewall chain. A failed build leaves the old container untouched.
     */
    @Override
    public Bottle rebuild(BottleSpec spec, String instructions, GatewayPorts gatewayPorts) {
        String slug = spec.slug();
        String container = Names.container(slug);
        CommandResult inspect = docker.run(List.of("container", "inspect", "--format", "{{json .}}", container));
        if (!inspect.succeeded()) {
            throw new BackendException("cannot rebuild bottle '" + slug + "': docker has no container " + container
                    + " (" + inspect.stderrText() + ")");
        }
        DockerOutput.ContainerState state = DockerOutput.container(inspect.stdoutText());
        if (state.running()) {
            docker.check("stop container " + container, List.of("stop", container));
        }
        String base = "bot-bottle/rebuild-" + slug + ":base";
        progress.onProgress("image", "committing " + container + " as " + base);
        docker.check("commit container " + container, List.of("commit", container, base));
        try {
            String user = docker.check("inspect image " + base,
                    List.of("image", "inspect", "--format", "{{.Config.User}}", base)).strip();
            String dockerfile = "FROM " + base + "\nUSER root\nCOPY host-ca/ /usr/local/share/ca-certificates/\n"
                    + "RUN update-ca-certificates >/dev/null 2>&1 || true\n" + instructions.strip() + "\n"
                    + (user.isEmpty() ? "" : "USER " + user + "\n");
            String tag = "bot-bottle/rebuilt-" + slug + ":" + Names.hash(dockerfile + docker.check("inspect image " + base,
                    List.of("image", "inspect", "--format", "{{.Id}}", base)).strip());
            ImageSpec image = ImageSpec.builder(tag).dockerfile(dockerfile).build();
            images.ensure(image, progress);
            docker.check("remove container " + container, List.of("rm", "-f", container));
            boolean weakAllowed = "weak".equals(state.labels().get(Names.ISOLATION_LABEL));
            BottleSpec next = BottleSpec.builder(slug, spec.agent(), image).env(spec.env()).labels(spec.labels())
                    .limits(spec.limits()).allowWeakIsolation(weakAllowed).build();
            String bridge = bridgeAddress(slug);
            create(next, new HostReach(bridge, bridge, "rebuilt"), gatewayPorts);
            return start(slug);
        } finally {
            docker.run(List.of("rmi", base)); // only the tag: the rebuilt image keeps the layers
        }
    }

    @Override
    public Bottle attach(String slug) {
        return handle(slug);
    }

    @Override
    public void teardown(String slug) {
        String container = Names.container(slug);
        String network = Names.network(slug);
        Teardown steps = new Teardown(slug);
        steps.run("remove container " + container, () -> {
            if (ours("container", container, docker.container(container))) {
                docker.check("remove container " + container, List.of("rm", "-f", "-v", container));
            }
        });
        steps.run("remove network " + network, () -> {
            if (ours("network", network, docker.network(network))) {
                docker.check("remove network " + network, List.of("network", "rm", network));
            }
        });
        steps.run("remove host firewall chain " + Names.chain(slug), () -> {
            Optional<String> problem = firewall.unavailableReason();
            if (problem.isEmpty()) {
                firewall.remove(slug);
            } else {
                LOG.debug("not removing host firewall chain {} of bottle {}: {}", Names.chain(slug), slug,
                        problem.get());
            }
        });
        steps.finish();
    }

    @Override
    public Set<String> list() {
        String filter = "label=" + Names.MANAGED_LABEL + "=true";
        String format = "{{.Label \"" + Names.SLUG_LABEL + "\"}}";
        Set<String> slugs = new LinkedHashSet<>();
        slugs.addAll(DockerOutput.lines(docker.check("list containers",
                List.of("ps", "-a", "--filter", filter, "--format", format))));
        slugs.addAll(DockerOutput.lines(docker.check("list networks",
                List.of("network", "ls", "--filter", filter, "--format", format))));
        return Set.copyOf(slugs);
    }

    /** @return whether the object exists and is ours to remove; a foreign one is left alone, with a warning */
    private static boolean ours(String kind, String name, DockerCli.Presence presence) {
        if (presence == DockerCli.Presence.FOREIGN) {
            LOG.warn("not removing {} {}: it has a bottle's name but no {}=true label, so bot-bottle did not make it",
                    kind, name, Names.MANAGED_LABEL);
        }
        return presence == DockerCli.Presence.MANAGED;
    }

    /** @return whether the firewall is in force; false when weak isolation was allowed and used */
    private boolean installFirewall(String slug, String bridgeAddress, GatewayPorts ports, boolean weakAllowed) {
        Optional<String> problem = firewall.unavailableReason();
        if (problem.isEmpty()) {
            try {
                firewall.install(slug, bridgeAddress, ports);
                return true;
            } catch (BackendException e) {
                problem = Optional.of(e.getMessage());
            }
        }
        if (!weakAllowed) {
            throw weakRefused(slug, problem.get());
        }
        LOG.warn("bottle {} runs with weak isolation: it can reach every service on this host's addresses ({})",
                slug, problem.get());
        return false;
    }

    private Bottle handle(String slug) {
        String container = Names.container(slug);
        CommandResult inspect = docker.run(List.of("container", "inspect", "--format", "{{json .}}", container));
        if (!inspect.succeeded()) {
            throw new BackendException("no bottle '" + slug + "' runs: docker has no container " + container + " ("
                    + inspect.stderrText() + ")");
        }
        DockerOutput.ContainerState state = DockerOutput.container(inspect.stdoutText());
        if (!state.running()) {
            throw new BackendException("bottle '" + slug + "' is not running (container " + container + " is "
                    + state.status() + "); resume it first");
        }
        var probe = new DockerBottle(docker, slug, Map.of(), AgentUser.ROOT);
        ExecResult passwd = probe.exec(ExecRequest.of("cat", "/etc/passwd").asUser("0").inDirectory("/")
                .withTimeout(DockerCli.CONTROL_TIMEOUT));
        if (!passwd.succeeded()) {
            throw new BackendException("could not read /etc/passwd in bottle '" + slug + "' (exit " + passwd.exitCode()
                    + "): " + passwd.stderrText().trim());
        }
        Map<String, AgentUser> users = DockerOutput.passwd(passwd.stdoutText());
        if (!state.labels().containsKey(Names.USER_LABEL) && users.values().stream().noneMatch(u -> u.uid() == 1000)) {
            users = addAgentUser(slug, probe);
        }
        try {
            AgentUser agent = AgentUser.choose(users, Optional.ofNullable(state.labels().get(Names.USER_LABEL)));
            return new DockerBottle(docker, slug, users, agent);
        } catch (IllegalArgumentException e) {
            throw new BackendException("bottle '" + slug + "': " + e.getMessage() + "; fix the image", e);
        }
    }

    /** Gives an image without a uid 1000 user one, so its agent is not root; @return the users after */
    private static Map<String, AgentUser> addAgentUser(String slug, DockerBottle probe) {
        ExecResult added = probe.exec(ExecRequest.of("sh", "-c", AgentUser.ENSURE_UID_1000).asUser("0").inDirectory("/")
                .withTimeout(DockerCli.CONTROL_TIMEOUT));
        ExecResult passwd = probe.exec(ExecRequest.of("cat", "/etc/passwd").asUser("0").inDirectory("/")
                .withTimeout(DockerCli.CONTROL_TIMEOUT));
        if (!added.succeeded() || !passwd.succeeded()) {
            throw new BackendException("bottle '" + slug + "': the image has no user with uid 1000 and adding one"
                    + " failed (exit " + added.exitCode() + "): " + added.stderrText().trim() + "; give the image a"
                    + " non-root user with uid 1000 or name one in its " + Names.USER_LABEL + " label");
        }
        LOG.info("bottle {}: the image has no user with uid 1000; added one for the agent", slug);
        return DockerOutput.passwd(passwd.stdoutText());
    }

    private String bridgeAddress(String slug) {
        String network = Names.network(slug);
        String ipam = docker.check("inspect network " + network,
                List.of("network", "inspect", "--format", "{{json .IPAM.Config}}", network));
        return DockerOutput.ipv4Gateway(ipam).orElseThrow(() -> new BackendException("network " + network
                + " has no IPv4 gateway address (IPAM config: " + ipam.strip() + "); remove it with "
                + "'docker network rm " + network + "' and try again"));
    }

    private boolean runsc() {
        Boolean known = runsc;
        if (known == null) {
            String runtimes = docker.check("read the engine's runtimes",
                    List.of("info", "--format", "{{json .Runtimes}}"));
            known = DockerOutput.runtimes(runtimes).contains("runsc");
            runsc = known;
        }
        return known;
    }

    /** @return whether the engine has runsc, empty when the engine cannot be asked */
    private Optional<Boolean> runscKnown() {
        try {
            return Optional.of(runsc());
        } catch (BackendException e) {
            return Optional.empty();
        }
    }

    private String runtimeDescription() {
        try {
            Boolean known = runsc;
            if (known == null) {
                return "runsc (gVisor) when the engine offers it, else runc; decided at launch";
            }
            return known ? "runsc (gVisor: the bottle runs on a user-space kernel)"
                    : "default (runc; install gVisor's runsc runtime for a stronger boundary)";
        } catch (BackendException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String isolation(String slug, Optional<String> firewallProblem, boolean weakAllowed) {
        if (firewallProblem.isEmpty()) {
            return "host firewall chain " + Names.chain(slug) + " on " + Names.bridgeInterface(slug)
                    + " accepts only the gateway ports on the bridge address";
        }
        return (weakAllowed ? "WEAK (allowed)" : "WEAK (refused)") + ": no host firewall rules ("
                + firewallProblem.get() + "); the bottle can reach every service on this host's addresses";
    }

    private static String describe(ResourceLimits limits) {
        List<String> args = DockerArgs.limits(limits);
        return args.isEmpty() ? "engine defaults" : String.join(" ", args);
    }

    private static BackendException collision(String kind, String name, String slug, DockerCli.Presence presence) {
        String remove = kind.equals("container") ? "docker rm -f " + name : "docker network rm " + name;
        if (presence == DockerCli.Presence.FOREIGN) {
            return new BackendException("a " + kind + " named '" + name + "' already exists and was not made by "
                    + "bot-bottle (no " + Names.MANAGED_LABEL + "=true label); choose another bottle name, or remove it "
                    + "yourself if you are sure: '" + remove + "'");
        }
        return new BackendException("a " + kind + " named '" + name + "' already exists, left over from an earlier "
                + "bottle '" + slug + "'. Remove it with `bottle rm " + slug + "`, or by hand: 'docker rm -f "
                + Names.container(slug) + "' and 'docker network rm " + Names.network(slug) + "'");
    }

    private static BackendException weakRefused(String slug, String why) {
        return new BackendException("cannot isolate bottle '" + slug + "' from this host's services: " + why
                + ". Run as root with iptables installed, or accept weak isolation (the bottle could then reach every "
                + "service listening on this host): `bottle launch AGENT --allow-weak-isolation`, or"
                + " LaunchOptions.allowWeakIsolation when embedding");
    }

    /** Runs teardown steps: each failure is logged with the step, the others still run, the first is rethrown. */
    private static final class Teardown {
        private final String slug;
        private RuntimeException first;

        Teardown(String slug) {
            this.slug = slug;
        }

        void run(String step, Runnable action) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.error("teardown of bottle {}: could not {}: {}", slug, step, e.getMessage());
                if (first == null) {
                    first = e instanceof BackendException ? e
                            : new BackendException("teardown of bottle '" + slug + "' could not " + step + ": " + e, e);
                }
            }
        }

        void finish() {
            if (first != null) {
                throw first;
            }
        }
    }
}
