package dev.botbottle.core.runtime;

import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.HostCommand;

import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A bottle a runtime holds: the backend's handle, wrapped so every exec gets the bottle's environment (gateway
 * variables, provider settings, and the secret values resolved at launch, which exist only in this process).
 *
 * <p>Closing a handle from {@link BottleRuntime#launch} or {@link BottleRuntime#resume} tears the bottle down (like a
 * test container); {@link #stop()} keeps it instead. Closing a handle from {@link BottleRuntime#attach} only releases
 * this process's side: another process holds that bottle, and tearing it down is an explicit
 * {@link BottleRuntime#teardown}.
 *
 * <pre>{@code
 * try (RunningBottle bottle = runtime.launch(LaunchRequest.of(manifest, "reviewer"))) {
 *     bottle.copyIn(Path.of("task.md"), "~/task.md");
 *     System.out.println(bottle.exec("cat", "task.md").stdoutText());
 *     bottle.runAgent("do what task.md says", System.out, System.err);
 *     bottle.egressAudit().forEach(e -> System.out.println(e.verdict() + " " + e.host()));
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class RunningBottle implements Bottle {

    /** How long {@link #runAgent} lets the agent work before it is stopped. */
    public static final Duration AGENT_TIMEOUT = Duration.ofHours(12);

    private final BottleRuntime runtime;
    private final BottlePlan plan;
    private final Bottle delegate;
    private final Map<String, String> env;
    private final List<GatewayService> gateways;
    private final List<String> warnings;
    private final boolean owned;
    private final boolean workspace;
    private volatile boolean stopped;

    RunningBottle(BottleRuntime runtime, BottlePlan plan, Bottle delegate, Map<String, String> env,
                  List<GatewayService> gateways, List<String> warnings, boolean owned, boolean workspace) {
        this.owned = owned;
        this.runtime = runtime;
        this.plan = plan;
        this.delegate = delegate;
        this.env = Map.copyOf(env);
        this.gateways = List.copyOf(gateways);
        this.warnings = List.copyOf(warnings);
        this.workspace = workspace;
    }

    /** @return the plan the bottle was launched from */
    public BottlePlan plan() {
        return plan;
    }

    /** @return the gateway services this process runs for the bottle (empty when attached from elsewhere) */
    public List<GatewayService> gateways() {
        return gateways;
    }

    /**
     * @param name a gateway service's name, e.g. {@code egress}
     * @param type the interface expected, e.g. {@link dev.botbottle.spi.EgressControl}
     * @param <T> that interface
     * @return the service, if it runs here and implements {@code type}
     */
    public <T> Optional<T> gateway(String name, Class<T> type) {
        return gateways.stream().filter(g -> g.name().equals(name)).filter(type::isInstance).map(type::cast).findFirst();
    }

    /**
     * @return the bottle's egress gateway, when this process runs it: its routes, its audit log, live decisions
     * @since 0.2
     */
    public Optional<EgressControl> egress() {
        return gateways.stream().filter(EgressControl.class::isInstance).map(EgressControl.class::cast).findFirst();
    }

    /**
     * @return every egress decision recorded so far, oldest first; empty when this process does not run the gateway
     * @since 0.2
     */
    public List<EgressAuditEntry> egressAudit() {
        return egress().map(EgressControl::readAudit).orElse(List.of());
    }

    /** @return optional provisioning steps that failed, and other things a person should know */
    public List<String> warnings() {
        return warnings;
    }

    /** @return the names of the variables every exec gets (values are not exposed) */
    public Set<String> envNames() {
        return env.keySet();
    }

    @Override
    public String slug() {
        return delegate.slug();
    }

    @Override
    public String agentUser() {
        return delegate.agentUser();
    }

    @Override
    public String agentHome() {
        return delegate.agentHome();
    }

    @Override
    public ExecResult exec(ExecRequest request) {
        return delegate.exec(withEnv(request));
    }

    /**
     * @param argv program and arguments
     * @return the result of running them as the agent user, in its home
     */
    public ExecResult exec(String... argv) {
        return exec(ExecRequest.of(argv));
    }

    /**
     * Runs the agent's CLI headless on a prompt (the provider's headless command), in the workspace when the bottle
     * has one, streaming its output as it comes.
     *
     * @param prompt the task
     * @param stdout receives the agent's standard output
     * @param stderr receives its standard error
     * @return the agent's exit code
     * @throws dev.botbottle.spi.BackendException when it could not be run or ran past {@link #AGENT_TIMEOUT}
     * @since 0.2
     */
    public int runAgent(String prompt, OutputStream stdout, OutputStream stderr) {
        AgentProvider provider = runtime.plugins().agents().get(plan.agentPlan().provider());
        ExecRequest request = ExecRequest.of(provider.headlessCommand(prompt).toArray(String[]::new))
                .withTimeout(AGENT_TIMEOUT);
        if (workspace) {
            request = request.inDirectory(agentHome() + "/workspace");
        }
        return stream(request, stdout, stderr);
    }

    @Override
    public int stream(ExecRequest request, OutputStream stdout, OutputStream stderr) {
        return delegate.stream(withEnv(request), stdout, stderr);
    }

    @Override
    public HostCommand attachCommand(ExecRequest request) {
        return delegate.attachCommand(withEnv(request));
    }

    @Override
    public void copyIn(Path source, String target, FileOwner owner, int mode) {
        delegate.copyIn(source, expand(target), owner, mode);
    }

    /**
     * Copies a host file or directory into the bottle, owned by the agent user (files mode 0644).
     *
     * @param source a host file or directory
     * @param target where it goes; {@code ~/} is the agent's home
     * @since 0.2
     */
    public void copyIn(Path source, String target) {
        copyIn(source, target, FileOwner.AGENT, 0644);
    }

    @Override
    public void copyTree(Path source, String target, FileOwner owner) {
        delegate.copyTree(source, expand(target), owner);
    }

    @Override
    public void copyOut(String source, Path target) {
        delegate.copyOut(expand(source), target);
    }

    private String expand(String path) {
        return path.equals("~") ? agentHome() : path.startsWith("~/") ? agentHome() + path.substring(1) : path;
    }

    private ExecRequest withEnv(ExecRequest request) {
        Map<String, String> merged = new HashMap<>(env);
        merged.putAll(request.env());
        return new ExecRequest(request.argv(), merged, request.workdir(), request.user(), request.stdin(),
                request.timeout());
    }

    /**
     * Stops the bottle and keeps it, with its state, for {@link BottleRuntime#resume}; closing this handle afterwards
     * does nothing.
     *
     * @since 0.2
     */
    public void stop() {
        runtime.stop(slug());
        stopped = true;
    }

    /**
     * For a launched or resumed bottle: tears it down (container, network, gateways, state); nothing happens if it is
     * already gone or was {@link #stop() stopped}. For an attached one: releases the handle only, and the bottle keeps
     * running.
     */
    @Override
    public void close() {
        if (owned && !stopped) {
            runtime.remove(slug());
        } else {
            delegate.close();
        }
    }

    /** @return whether closing this handle tears the bottle down (it was launched or resumed here, not attached) */
    public boolean ownsBottle() {
        return owned;
    }

    @Override
    public String toString() {
        return "RunningBottle[" + slug() + ", agent=" + plan.agent() + ", backend=" + plan.backend() + "]";
    }
}
