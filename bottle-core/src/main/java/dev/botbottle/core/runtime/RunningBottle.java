package dev.botbottle.core.runtime;

import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.HostCommand;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A bottle a runtime holds: the backend's handle, wrapped so every exec gets the bottle's environment (gateway
 * variables, provider settings, and the secret values resolved at launch, which exist only in this process).
 *
 * <p>Closing a handle from {@link BottleRuntime#launch} or {@link BottleRuntime#resume} tears the bottle down (like a
 * test container); use {@link BottleRuntime#stop} to keep it. Closing a handle from {@link BottleRuntime#attach} only
 * releases this process's side: another process holds that bottle, and tearing it down is an explicit
 * {@link BottleRuntime#teardown}.
 *
 * @since 0.1
 */
public final class RunningBottle implements Bottle {

    private final BottleRuntime runtime;
    private final BottlePlan plan;
    private final Bottle delegate;
    private final Map<String, String> env;
    private final List<GatewayService> gateways;
    private final List<String> warnings;
    private final boolean owned;

    RunningBottle(BottleRuntime runtime, BottlePlan plan, Bottle delegate, Map<String, String> env,
                  List<GatewayService> gateways, List<String> warnings, boolean owned) {
        this.owned = owned;
        this.runtime = runtime;
        this.plan = plan;
        this.delegate = delegate;
        this.env = Map.copyOf(env);
        this.gateways = List.copyOf(gateways);
        this.warnings = List.copyOf(warnings);
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

    /** @return optional provisioning steps that failed, and other things a person should know */
    public List<String> warnings() {
        return warnings;
    }

    /** @return the names of the variables every exec gets (values are not exposed) */
    public java.util.Set<String> envNames() {
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
     * @return the result of running them as the agent user
     */
    public ExecResult exec(String... argv) {
        return exec(ExecRequest.of(argv));
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
    public void copyIn(Path source, String target, dev.botbottle.spi.FileOwner owner, int mode) {
        delegate.copyIn(source, target, owner, mode);
    }

    @Override
    public void copyTree(Path source, String target, dev.botbottle.spi.FileOwner owner) {
        delegate.copyTree(source, target, owner);
    }

    @Override
    public void copyOut(String source, Path target) {
        delegate.copyOut(source, target);
    }

    private ExecRequest withEnv(ExecRequest request) {
        Map<String, String> merged = new HashMap<>(env);
        merged.putAll(request.env());
        return new ExecRequest(request.argv(), merged, request.workdir(), request.user(), request.stdin(),
                request.timeout());
    }

    /**
     * For a launched or resumed bottle: tears it down (container, network, gateways, state); nothing happens if it is
     * already gone. For an attached one: releases the handle only, and the bottle keeps running.
     */
    @Override
    public void close() {
        if (owned) {
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
