package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.BackendPlan;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.EngineState;
import dev.botbottle.spi.GatewayPorts;
import dev.botbottle.spi.GatewayRunner;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.support.TeardownSteps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Docker backend: one internal network, one idle container and one host firewall chain per bottle, all
 * named after the slug. Keeps no state of its own: every call finds its objects by name, so another process can
 * resume, attach or tear down.
 *
 * <p>A launch is quick because the slow engine calls overlap what the runtime does meanwhile: {@link #prepare}
 * creates the network, installs the bottle's firewall chain admitting nothing yet, and starts the container
 * ({@code docker run -d}, an idle init) in the background while the runtime starts the gateway services;
 * {@link #create} then opens the gateway ports in the chain and waits for the container; {@link #start} hands out the
 * handle of the running container (the agent user known from the image id, read once per image). The container never
 * runs without its chain, and nothing but the idle init runs in it before the ports are open. What this JVM learned
 * of the engine (gVisor, firewall rights, image users) and the containers being started are shared by every backend
 * one provider makes ({@link EngineFacts}, {@link PendingRuns}).
 */
public final class DockerBottleBackend implements BottleBackend {

    private static final Logger LOG = LoggerFactory.getLogger(DockerBottleBackend.class);

    private final DockerCli docker;
    private final HostFirewall firewall;
    private final Images images;
    private final ProgressListener progress;
    private final EngineFacts facts;
    private final PendingRuns runs;
    private final Handles handles;

    /** What a container-mode bottle's {@link HostReach#isolation()} says (kept in its metadata, read on resume). */
    private static final String CONTAINER_GATEWAY = "the gateway is container";

    private volatile Optional<GatewayRunner> gatewayRunner = Optional.empty();
    private volatile Optional<GatewayContainers> gatewayContainers = Optional.empty();

    /**
     * A backend that shares nothing with others.
     *
     * @param docker the CLI
     * @param firewall the host firewall
     * @param images finds or builds images
     * @param progress receives progress of long steps
     */
    public DockerBottleBackend(DockerCli docker, HostFirewall firewall, Images images, ProgressListener progress) {
        this(docker, firewall, images, progress, new EngineFacts(), new PendingRuns());
    }

    /**
     * @param docker the CLI
     * @param firewall the host firewall
     * @param images finds or builds images
     * @param progress receives progress of long steps
     * @param facts what this JVM knows of the engine already
     * @param runs containers being started, shared with the provider's other backends
     */
    public DockerBottleBackend(DockerCli docker, HostFirewall firewall, Images images, ProgressListener progress,
                               EngineFacts facts, PendingRuns runs) {
        this.docker = docker;
        this.firewall = firewall;
        this.images = images;
        this.progress = progress;
        this.facts = facts;
        this.runs = runs;
        this.handles = new Handles(docker, facts);
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
                               Optional<Boolean> runsc) {
        this(docker, firewall, images, progress);
        runsc.ifPresent(facts::learnRunsc);
    }

    /**
     * Runs this backend's bottles' gateways with {@code runner} instead of in the runtime's JVM (the
     * {@code docker.gateway=process} option); call it once, before the backend is used.
     *
     * @param runner how each bottle's gateway program runs
     * @return this backend
     */
    public DockerBottleBackend gatewaysRunBy(GatewayRunner runner) {
        this.gatewayRunner = Optional.of(runner);
        return this;
    }

    /**
     * Runs this backend's bottles' gateways as containers on their networks (the {@code docker.gateway=container}
     * option, ADR 14): a holder container per bottle (idling in {@code holderImage}) gives the gateway its address on
     * the bottle's network, and the gateway program runs in the gateway image, built from {@code holderImage} with a
     * copy of {@code javaHome}; call it once, before the backend is used.
     *
     * @param runner runs {@code jlink} for the gateway image's Java runtime
     * @param holderImage the base image
     * @param javaHome the Java runtime the gateway image carries
     * @return this backend
     */
    public DockerBottleBackend gatewaysInContainers(CommandRunner runner, String holderImage, java.nio.file.Path javaHome) {
        GatewayImage image = new GatewayImage(docker, images, runner, holderImage, javaHome);
        this.gatewayContainers = Optional.of(new GatewayContainers(docker, image, holderImage, progress));
        return this;
    }

    @Override
    public Optional<GatewayRunner> gatewayRunner(BottleSpec spec, HostReach reach) {
        if (gatewayContainers.isEmpty() && reach.isolation().contains(CONTAINER_GATEWAY)) {
            // a resume in another mode: its gateway would try to listen on a neighbour container's address
            throw new BackendException("bottle " + spec.slug() + " was launched with docker.gateway=container: its "
                    + "gateway's address is container " + Names.gatewayHolder(spec.slug()) + "'s; resume it in that "
                    + "mode (--backend-option docker.gateway=container, or BOT_BOTTLE_GATEWAY_MODE=container)");
        }
        return gatewayContainers.map(c -> c.runner(spec.slug(), reach.bindAddress())).or(() -> gatewayRunner);
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
        Optional<String> noFirewall = firewallProblem();
        details.put("host isolation", Refusals.isolation(spec.slug(), noFirewall, spec.allowWeakIsolation()));
        details.put("capabilities", "all dropped except " + String.join(", ", DockerArgs.KEPT_CAPABILITIES)
                + " (root's, for provisioning; the agent user has none); no-new-privileges; not privileged;"
                + " no docker socket");
        details.put("limits", Refusals.describe(spec.limits()));
        details.put("gateway", gatewayContainers.isPresent()
                ? "containers " + Names.gatewayHolder(spec.slug()) + " (its address on the bottle's network) and "
                + Names.gatewayProgram(spec.slug()) + " (the gateway program), image " + GatewayImage.REPOSITORY
                + " (docker.gateway=container)"
                : gatewayRunner.isPresent()
                ? "a gateway program of its own on this host (docker.gateway=process), bound on the bridge address"
                : "in the runtime's JVM, bound on the bridge address (docker.gateway=in-process)");
        List<String> warnings = new ArrayList<>();
        noFirewall.ifPresent(why -> warnings.add("weak isolation: no host firewall chain (" + why + "); the bottle"
                + " can reach every service listening on this host's addresses"
                + (spec.allowWeakIsolation() ? "" : " — the launch is refused unless weak isolation is accepted")));
        if (!facts.knownRunsc().orElse(true)) {
            warnings.add("no gVisor: runsc is not registered with the engine, so the bottle runs on runc and shares the"
                    + " host's kernel (a kernel exploit escapes it)");
        }
        return new BackendPlan(name(), details, warnings);
    }

    /**
     * Creates the network while it checks that no container has the bottle's name (a network name already taken is
     * found by the engine's refusal, then explained; a taken container name undoes the new network), installs the
     * bottle's firewall chain admitting nothing, and starts the container in the background.
     */
    @Override
    public HostReach prepare(BottleSpec spec) {
        String slug = spec.slug();
        String network = Names.network(slug);
        String container = Names.container(slug);
        Optional<String> firewallProblem = firewallProblem();
        if (firewallProblem.isPresent() && !spec.allowWeakIsolation()) {
            throw Refusals.weakRefused(slug, firewallProblem.get());
        }
        var containerPresence = runs.async(() -> docker.container(container));
        // looking the image up costs a round trip of its own; a build, when needed, starts only once prepare succeeded
        var imagePresent = runs.async(() -> docker.image(spec.image().reference()));
        progress.onProgress("network", "creating internal network " + network);
        CommandResult created = docker.run(DockerArgs.networkCreate(spec));
        DockerCli.Presence existing = joined(containerPresence);
        if (existing != DockerCli.Presence.ABSENT) {
            if (created.succeeded()) {
                docker.run(List.of("network", "rm", network));
            }
            throw Refusals.collision("container", container, slug, existing);
        }
        if (!created.succeeded()) {
            if (created.stderrText().contains("already exists")) {
                throw handles.collision(slug);
            }
            DockerCli.require("create network " + network, created);
        }
        String bridge = handles.bridgeAddress(slug);
        boolean weak = !installFirewall(slug, bridge, GatewayPorts.NONE, spec.allowWeakIsolation(), session(spec));
        // in a container, the gateway is a neighbour on the bottle's network; the host admits the bottle nothing
        String gateway = gatewayContainers.isPresent() ? gatewayContainers.get().startHolder(spec) : bridge;
        runs.start(slug, weak, () -> run(spec, gateway, weak, imagePresent));
        Optional<String> problem = weak ? Optional.of(firewallProblem.orElse("the chain could not be installed"))
                : Optional.empty();
        String isolation = Refusals.isolation(slug, problem, spec.allowWeakIsolation());
        return new HostReach(gateway, gateway, gatewayContainers.isPresent() ? isolation + "; " + CONTAINER_GATEWAY
                + " " + Names.gatewayHolder(slug) + " at " + gateway + " on the bottle's network" : isolation);
    }

    /** Opens the gateway ports in the bottle's chain and waits for its container (starting it if prepare did not). */
    @Override
    public void create(BottleSpec spec, HostReach reach, List<Integer> gatewayPorts) {
        create(spec, reach, GatewayPorts.tcp(gatewayPorts));
    }

    @Override
    public void create(BottleSpec spec, HostReach reach, GatewayPorts gatewayPorts) {
        String slug = spec.slug();
        PendingRuns.Run pending = runs.get(slug);
        if (pending == null) {
            ImageInfo image = images.ensure(spec.image(), progress);
            boolean weak = !installFirewall(slug, hostAddress(slug, reach), hostPorts(gatewayPorts),
                    spec.allowWeakIsolation(), session(spec));
            runs.done(slug, weak, startContainer(spec, reach.bindAddress(), weak, image));
            return;
        }
        if (!pending.weak() && gatewayContainers.isEmpty()) {
            // the chain is in force already (admitting nothing): opening the ports never falls back to weak isolation
            firewall.install(slug, reach.bindAddress(), gatewayPorts, session(spec));
        }
        pending.await();
    }

    /** The background half of {@link #prepare}: the image (built if the lookup found none), then {@code docker run -d}. */
    private ImageInfo run(BottleSpec spec, String bridgeAddress, boolean weak,
                          java.util.concurrent.CompletableFuture<Optional<ImageInfo>> imagePresent) {
        ImageInfo image = joined(imagePresent).orElseGet(() -> images.ensure(spec.image(), progress));
        return startContainer(spec, bridgeAddress, weak, image);
    }

    private ImageInfo startContainer(BottleSpec spec, String bridgeAddress, boolean weak, ImageInfo image) {
        String container = Names.container(spec.slug());
        progress.onProgress("container", "starting container " + container);
        CommandResult r = docker.run(DockerArgs.containerRun(spec, runsc(), weak, bridgeAddress));
        if (!r.succeeded() && r.stderrText().contains("is already in use")) {
            throw handles.collision(spec.slug());
        }
        DockerCli.require("run container " + container, r);
        return image;
    }

    /** Hands out the container {@link #create} started; starts a created one another process left. */
    @Override
    public Bottle start(String slug) {
        PendingRuns.Run run = runs.take(slug);
        if (run != null) {
            return handles.fresh(slug, run.await());
        }
        docker.check("start container " + Names.container(slug), List.of("start", Names.container(slug)));
        return handles.inspected(slug);
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
        installFirewall(slug, handles.bridgeAddress(slug), hostPorts(gatewayPorts), weakAllowed,
                state.labels().getOrDefault(BottleSpec.SESSION_LABEL, ""));
        if (!state.running()) {
            docker.check("start container " + container, List.of("start", container));
        }
        return handles.inspected(slug);
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
            String bridge = gatewayContainers.isPresent() ? gatewayContainers.get().address(slug)
                    : handles.bridgeAddress(slug);
            create(next, new HostReach(bridge, bridge, "rebuilt"), gatewayPorts);
            return start(slug);
        } finally {
            docker.run(List.of("rmi", base)); // only the tag: the rebuilt image keeps the layers
        }
    }

    @Override
    public Bottle attach(String slug) {
        return handles.inspected(slug);
    }

    /**
     * Removes the container and its gateway containers (if it has them), then the network; the firewall chain goes
     * at the same time (it needs neither). A container still being started for the slug is waited for first.
     */
    @Override
    public void teardown(String slug) {
        String container = Names.container(slug);
        String network = Names.network(slug);
        runs.settle(slug);
        TeardownSteps steps = new TeardownSteps(slug);
        var networkPresence = runs.async(() -> docker.network(network));
        // whatever mode this backend is in: a bottle launched with docker.gateway=container may be removed by any
        var gateways = runs.async(() -> {
            GatewayContainers.remove(docker, slug);
            return Boolean.TRUE;
        });
        var chain = runs.async(() -> {
            Optional<String> problem = firewallProblem();
            if (problem.isEmpty()) {
                firewall.remove(slug);
            } else {
                LOG.debug("not removing host firewall chain {} of bottle {}: {}", Names.chain(slug), slug,
                        problem.get());
            }
            return Boolean.TRUE;
        });
        steps.run("remove container " + container, () -> {
            if (ours("container", container, docker.container(container))) {
                docker.check("remove container " + container, List.of("rm", "-f", "-v", container));
            }
        });
        steps.run("remove the gateway containers of " + slug, () -> joined(gateways));
        steps.run("remove network " + network, () -> {
            if (ours("network", network, joined(networkPresence))) {
                docker.check("remove network " + network, List.of("network", "rm", network));
            }
        });
        steps.run("remove host firewall chain " + Names.chain(slug), () -> joined(chain));
        steps.finish();
    }

    @Override
    public Set<String> list() {
        return Set.copyOf(states().keySet());
    }

    /**
     * One {@code docker ps -a}, one {@code docker network ls} and one {@code iptables -S INPUT}: a container that runs
     * is {@link EngineState#RUNNING}, any other container state (exited, created, paused, dead) is
     * {@link EngineState#STOPPED}, a network or firewall chain without its container is {@link EngineState#INCOMPLETE}.
     */
    @Override
    public Map<String, EngineState> states() {
        String filter = "label=" + Names.MANAGED_LABEL + "=true";
        String slugFormat = "{{.Label \"" + Names.SLUG_LABEL + "\"}}";
        Map<String, EngineState> states = new TreeMap<>();
        String roleFormat = "{{.Label \"" + Names.ROLE_LABEL + "\"}}";
        Set<String> leftovers = new LinkedHashSet<>();
        for (String line : DockerOutput.lines(docker.check("list containers",
                List.of("ps", "-a", "--filter", filter, "--format", slugFormat + "\t" + roleFormat + "\t{{.State}}")))) {
            String[] f = line.split("\t", 3);
            if (f.length > 1 && !f[1].isBlank()) {
                leftovers.add(f[0]); // a gateway container: its bottle's state is its bottle container's
            } else if (!f[0].isBlank()) {
                states.put(f[0], f.length > 2 && f[2].strip().equals("running") ? EngineState.RUNNING
                        : EngineState.STOPPED);
            }
        }
        leftovers.addAll(DockerOutput.lines(docker.check("list networks",
                List.of("network", "ls", "--filter", filter, "--format", slugFormat))));
        if (firewall.unavailableReason().isEmpty()) {
            leftovers.addAll(firewall.slugs());
        }
        leftovers.stream().filter(s -> !s.isBlank()).forEach(s -> states.putIfAbsent(s, EngineState.INCOMPLETE));
        return states;
    }

    /** @return the bottle's host address for its firewall chain */
    private String hostAddress(String slug, HostReach reach) {
        return gatewayContainers.isPresent() ? handles.bridgeAddress(slug) : reach.bindAddress();
    }

    /** @return the ports the host admits the bottle to: none when its gateway is a container */
    private GatewayPorts hostPorts(GatewayPorts gatewayPorts) {
        return gatewayContainers.isPresent() ? GatewayPorts.NONE : gatewayPorts;
    }

    /** @return whether the object exists and is ours to remove; a foreign one is left alone, with a warning */
    private static boolean ours(String kind, String name, DockerCli.Presence presence) {
        if (presence == DockerCli.Presence.FOREIGN) {
            LOG.warn("not removing {} {}: it has a bottle's name but no {}=true label, so bot-bottle did not make it",
                    kind, name, Names.MANAGED_LABEL);
        }
        return presence == DockerCli.Presence.MANAGED;
    }

    /** @return the host session the spec's labels name (the firewall chain's comment carries it), or "" */
    private static String session(BottleSpec spec) {
        return spec.labels().getOrDefault(BottleSpec.SESSION_LABEL, "");
    }

    /** @return whether the firewall is in force; false when weak isolation was allowed and used */
    private boolean installFirewall(String slug, String bridgeAddress, GatewayPorts ports, boolean weakAllowed,
                                    String session) {
        Optional<String> problem = firewallProblem();
        if (problem.isEmpty()) {
            try {
                firewall.install(slug, bridgeAddress, ports, session);
                return true;
            } catch (BackendException e) {
                problem = Optional.of(e.getMessage());
            }
        }
        if (!weakAllowed) {
            throw Refusals.weakRefused(slug, problem.get());
        }
        LOG.warn("bottle {} runs with weak isolation: it can reach every service on this host's addresses ({})",
                slug, problem.get());
        return false;
    }

    private boolean runsc() {
        return facts.runsc(() -> DockerOutput.runtimes(docker.check("read the engine's runtimes",
                List.of("info", "--format", "{{json .Runtimes}}"))).contains("runsc"));
    }

    private Optional<String> firewallProblem() {
        return facts.firewallProblem(firewall::unavailableReason);
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
            Optional<Boolean> known = facts.knownRunsc();
            if (known.isEmpty()) {
                return "runsc (gVisor) when the engine offers it, else runc; decided at launch";
            }
            return known.get() ? "runsc (gVisor: the bottle runs on a user-space kernel)"
                    : "default (runc; install gVisor's runsc runtime for a stronger boundary)";
        } catch (BackendException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** @return the result of side work, its failure rethrown as it was */
    private static <T> T joined(java.util.concurrent.CompletableFuture<T> work) {
        try {
            return work.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }
}
