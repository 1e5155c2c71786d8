package dev.botbottle.it;

import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.manifest.ManifestLoader;
import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plan.Planner;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchOptions;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.egress.testing.LoopbackUpstream;
import dev.botbottle.egress.testing.TestPki;
import dev.botbottle.spi.Decision;
import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.GatewayServiceProvider;
import dev.botbottle.spi.ProposedChange;
import dev.botbottle.spi.SuperviseService;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fixture of the in-bottle tests of an out-of-process gateway mode ({@code docker.gateway=process} or
 * {@code container}): a real TLS upstream, a home whose bottle {@code outside} (agent {@code worker}) routes one host
 * to it with a Bearer token from host variable {@link #TOKEN_VARIABLE}, a runtime in that mode whose supervisor
 * approves route proposals, and the bottles it launched, torn down on {@link #close}.
 */
final class GatewayModeBottles implements AutoCloseable {

    /** The host variable the route's token comes from. */
    static final String TOKEN_VARIABLE = "GWM_TOKEN";

    final Path home;
    final String token;
    final LoopbackUpstream upstream;
    final BottleRuntime runtime;
    private String slug;

    /**
     * @param home the test's home
     * @param mode the docker backend's gateway mode
     * @param host the route's host name (the upstream's certificate covers it)
     * @param bindAddress where the upstream listens
     * @param token the real token
     */
    GatewayModeBottles(Path home, String mode, String host, String bindAddress, String token) throws IOException {
        this.home = home;
        this.token = token;
        TestPki pki = TestPki.create("gateway-" + mode + "-it-ca");
        upstream = LoopbackUpstream.start(pki, List.of(host), 4, bindAddress);
        Manifests.write(home, "bottles/outside.md", """
                ---
                image: %s
                agent_provider: {template: shell}
                egress:
                  upstream_ca_files: [%s]
                  routes:
                    - host: %s
                      ports: [%d]
                      allow_private: true
                      auth: {scheme: Bearer, token_ref: %s}
                ---
                """.formatted(Docker.BASE_IMAGE, pki.writeCa(home), host, upstream.port(), TOKEN_VARIABLE));
        Manifests.write(home, "agents/worker.md", "---\nbottle: outside\n---\nWork.\n");
        runtime = runtime(mode);
    }

    /** @param mode a gateway mode @return another runtime on the same home, in that mode; the caller closes it */
    BottleRuntime runtime(String mode) {
        return BottleRuntime.builder().host(host()).plugins(Plugins.builder().build())
                .backendOption("docker.gateway", mode)
                .supervisor(p -> Optional.of(p.change() instanceof ProposedChange.Route
                        ? Decision.approve("granted for the test") : Decision.reject("not in this test"))).build();
    }

    /** @param agent an agent of the home @return its bottle, launched (and torn down on close) */
    RunningBottle launch(String agent) {
        Manifest manifest = ManifestLoader.forHome(home).loadStrict();
        BottlePlan plan = new Planner(Plugins.builder().build(), host()).plan(manifest, agent, "docker",
                Optional.empty());
        slug = plan.slug();
        return runtime.launch(plan, LaunchOptions.DEFAULTS);
    }

    /** @return the last launched bottle's slug */
    String slug() {
        return slug;
    }

    /** Tears the last launched bottle down now (close then has nothing to remove). */
    void teardown() {
        runtime.teardown(slug);
        slug = null;
    }

    /**
     * The control and the first refusal every mode must show: the route's host answers with the real token injected,
     * an undeclared host is refused (403) and audited as a denial, and the supervise service is there.
     */
    void assertTheRouteWorksAndAnotherHostIsRefused(RunningBottle bottle, String url) {
        ExecResult allowed = curl(bottle, url);
        assertThat(allowed.stdoutText()).as(allowed.stderrText()).isEqualTo("200");
        assertThat(upstream.take().headers().get("authorization")).isEqualTo("Bearer " + token);
        ExecResult refused = curl(bottle, "https://not-allowed.example.test/");
        assertThat(refused.stdoutText() + refused.stderrText()).contains("403");
        EgressControl egress = bottle.gateway(GatewayServiceProvider.EGRESS, EgressControl.class).orElseThrow();
        assertThat(egress.readAudit()).anySatisfy(e -> {
            assertThat(e.host()).isEqualTo("not-allowed.example.test");
            assertThat(e.verdict()).isEqualTo(EgressAuditEntry.Verdict.DENY);
        });
        assertThat(bottle.gateway(GatewayServiceProvider.SUPERVISE, SuperviseService.class)).isPresent();
    }

    /**
     * A proposal from the bottle to its supervise server reaches the runtime's desk, and the approval widens the
     * gateway's routes (after a control: the host is refused before).
     */
    void assertAProposalWidensTheRoutes(RunningBottle bottle, String routeHost) {
        EgressControl egress = bottle.gateway(GatewayServiceProvider.EGRESS, EgressControl.class).orElseThrow();
        ExecResult refused = curl(bottle, "https://wanted.example.test/");
        assertThat(refused.stdoutText() + refused.stderrText()).contains("403");
        var reach = runtime.state().readMetadata(slug).orElseThrow().reach();
        String url = bottle.gateway(GatewayServiceProvider.SUPERVISE, SuperviseService.class).orElseThrow()
                .endpoint(reach).url();
        assertThat(url).contains(reach.bottleAddress());
        ExecResult answer = McpCurl.call(bottle, url, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"egress-block\",\"arguments\":{\"host\":\"wanted.example.test\","
                + "\"methods\":[\"GET\"],\"justification\":\"the task needs it\"}}}");
        assertThat(answer.stdoutText()).as(answer.stderrText()).contains("APPROVED").contains("granted for the test");
        assertThat(egress.routes()).extracting(EgressRoute::host).contains(routeHost, "wanted.example.test");
    }

    /** curl as the agent, through the bottle's proxy even for {@code localhost} (its NO_PROXY lists it). */
    static ExecResult curl(RunningBottle bottle, String url) {
        return bottle.exec("curl", "-sS", "--max-time", "30", "--noproxy", "", "-o", "/dev/null", "-w",
                "%{http_code}", url);
    }

    HostEnvironment host() {
        return new HostEnvironment(home, home, Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                TOKEN_VARIABLE, token));
    }

    @Override
    public void close() {
        if (slug != null) {
            try {
                runtime.teardown(slug);
            } catch (RuntimeException ignored) {
                // the test removed it already, or failed before it existed
            }
        }
        runtime.close();
        upstream.close();
    }
}
