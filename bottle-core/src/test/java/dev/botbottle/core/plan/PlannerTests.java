package dev.botbottle.core.plan;

import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.manifest.ManifestLoader;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.Availability;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendPlan;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.RouteAuth;
import dev.botbottle.spi.SuperviseEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

class PlannerTests {

    @TempDir
    Path home;

    private Plugins plugins;
    private boolean backendAvailable = true;
    private BottleBackend backend;

    @BeforeEach
    void setUp() throws IOException {
        backend = mock(BottleBackend.class);
        when(backend.describe(any())).thenReturn(new BackendPlan("fake", Map.of("runtime", "imaginary")));
        BackendProvider provider = new BackendProvider() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public Availability availability() {
                return backendAvailable ? Availability.ok() : Availability.unavailable("the fake engine is off");
            }

            @Override
            public BottleBackend create(BackendContext context) {
                return backend;
            }
        };
        plugins = Plugins.builder().discovery(false).backend(provider).agent(new RouteProvider()).build();
        write("bottles/base.md", """
                ---
                agent_provider: {template: routes}
                env:
                  VISIBLE: a literal
                  HIDDEN_TOKEN: placeholder
                egress:
                  routes:
                    - host: api.example.com
                    - host: docs.example.com
                      auth: {scheme: token, token_ref: DOCS_TOKEN}
                ---
                """);
        write("bottles/imaged.md", """
                ---
                extends: base
                image: {fake: example/fake:1, "*": example/any:1}
                ---
                """);
        write("agents/worker.md", "---\nbottle: base\n---\nWork.\n");
        write("agents/imaged.md", "---\nbottle: imaged\nskills: [review]\n---\n");
    }

    @Test
    void theProvidersRouteWinsForItsHost() {
        BottlePlan plan = plan("worker");
        assertThat(plan.routes()).extracting(EgressRoute::host).containsExactly("docs.example.com", "api.example.com");
        assertThat(plan.routes().get(1).auth()).contains(new RouteAuth("Bearer", "PROVIDER_TOKEN"));
    }

    @Test
    void theManifestImageForTheBackendWinsOverTheProvidersImage() throws IOException {
        write("skills/review/SKILL.md", "---\nname: review\ndescription: reviews\n---\n");
        assertThat(plan("imaged").image().reference()).isEqualTo("example/fake:1");
        assertThat(plan("worker").image().reference()).isEqualTo("example/provider:1");
    }

    @Test
    void aMissingSkillNamesWhereItWasLookedFor() {
        assertThatThrownBy(() -> plan("imaged"))
                .isInstanceOf(PlanningException.class)
                .hasMessageContaining("skill 'review' (agent 'imaged') not found")
                .hasMessageContaining(home.resolve("skills/review").toString());
    }

    @Test
    void slugsAreTheAgentNameAndFiveBase36Characters() {
        assertThat(plan("worker").slug()).matches("worker-[0-9a-z]{5}");
        assertThat(Planner.newSlug("a")).isNotEqualTo(Planner.newSlug("a"));
    }

    @Test
    void aLabelBecomesTheSlugWhenItIsAValidName() {
        Manifest m = ManifestLoader.forHome(home).loadStrict();
        Planner planner = new Planner(plugins, host());
        assertThat(planner.plan(m, "worker", "fake", Optional.of("my-task")).slug()).isEqualTo("my-task");
        assertThatThrownBy(() -> planner.plan(m, "worker", "fake", Optional.of("My Task")))
                .hasMessageStartingWith("label 'My Task' must match");
    }

    @Test
    void anUnknownAgentListsTheAgents() {
        assertThatThrownBy(() -> plan("nobody")).isInstanceOf(PlanningException.class)
                .hasMessage("unknown agent 'nobody'; available: imaged, worker");
    }

    @Test
    void anUnavailableBackendIsShownInThePlanWithItsReason() {
        backendAvailable = false;
        assertThat(plan("worker").backendPlan().details())
                .containsEntry("availability", "unavailable: the fake engine is off");
    }

    @Test
    void theBackendDescribesItsPart() {
        assertThat(plan("worker").backendPlan().details()).containsEntry("runtime", "imaginary");
    }

    @Test
    void theRenderedPlanShowsAuthMarkersAndNeverHiddenNamesOrLiteralValues() {
        String text = PlanRenderer.render(plan("worker"));
        assertThat(text).contains("docs.example.com [auth:token]").contains("api.example.com [auth:Bearer]")
                .contains("VISIBLE").contains("PROVIDER_MODE").contains("CLI_TOKEN (placeholder)")
                .doesNotContain("HIDDEN_TOKEN").doesNotContain("a literal").doesNotContain("placeholder-value");
    }

    @Test
    void aProtectionNotInForceIsShownInThePreflightAndKeptInTheJsonPlan() {
        when(backend.describe(any())).thenReturn(new BackendPlan("fake", Map.of("runtime", "imaginary"),
                List.of("no gVisor: the bottle shares the host's kernel")));
        BottlePlan plan = plan("worker");
        assertThat(PlanRenderer.render(plan)).contains("NOT IN FORCE: no gVisor: the bottle shares the host's kernel");
        assertThat(PlanJson.read(PlanJson.write(plan)).backendPlan().warnings())
                .containsExactly("no gVisor: the bottle shares the host's kernel");
        when(backend.describe(any())).thenReturn(new BackendPlan("fake", Map.of("runtime", "imaginary")));
        assertThat(PlanRenderer.render(plan("worker"))).doesNotContain("NOT IN FORCE");
    }

    @Test
    void thePlanSurvivesAJsonRoundTrip() {
        BottlePlan plan = plan("worker");
        assertThat(PlanJson.read(PlanJson.write(plan))).isEqualTo(plan);
    }

    @Test
    void theSpecCarriesLiteralsAndPlaceholdersOnly() {
        Map<String, String> env = plan("worker").toSpec(false).env();
        assertThat(env).containsEntry("VISIBLE", "a literal").containsEntry("CLI_TOKEN", "placeholder-value")
                .containsEntry("PROVIDER_MODE", "bottled");
    }

    private BottlePlan plan(String agent) {
        Manifest m = ManifestLoader.forHome(home).loadStrict();
        return new Planner(plugins, host()).plan(m, agent, "fake", Optional.empty());
    }

    private HostEnvironment host() {
        return new HostEnvironment(home, home.resolve("user"), Map.of());
    }

    private void write(String relative, String text) throws IOException {
        Path file = home.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** A provider with a route, a placeholder and hidden names. */
    static final class RouteProvider implements AgentProvider {
        @Override
        public String name() {
            return "routes";
        }

        @Override
        public AgentProvisionPlan plan(AgentRequest request) {
            return new AgentProvisionPlan(Map.of("CLI_TOKEN", "placeholder-value", "SECRET_PLACEHOLDER", "x"),
                    Set.of("HIDDEN_TOKEN", "SECRET_PLACEHOLDER"),
                    List.of(EgressRoute.withAuth("api.example.com", new RouteAuth("Bearer", "PROVIDER_TOKEN"))),
                    Set.of(), Optional.of(ImageSpec.of("example/provider:1")), Map.of("PROVIDER_MODE", "bottled"));
        }

        @Override
        public List<ProvisionStep> provisioningSteps(AgentRequest request, Bottle bottle) {
            return List.of();
        }

        @Override
        public List<ProvisionStep> superviseSteps(SuperviseEndpoint endpoint) {
            return List.of();
        }

        @Override
        public List<String> interactiveCommand() {
            return List.of("cli");
        }

        @Override
        public List<String> headlessCommand(String prompt) {
            return List.of("cli", "-p", prompt);
        }
    }
}
