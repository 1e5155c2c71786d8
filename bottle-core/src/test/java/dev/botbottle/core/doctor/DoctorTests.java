package dev.botbottle.core.doctor;

import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.Availability;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.Diagnostic;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.SuperviseEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class DoctorTests {

    @TempDir
    Path home;

    /** A backend double whose images are all missing and not buildable. */
    private final List<String> askedFor = new ArrayList<>();
    private final BackendProvider backend = new BackendProvider() {
        @Override
        public String name() {
            return "fake";
        }

        @Override
        public Availability availability() {
            return Availability.ok();
        }

        @Override
        public BottleBackend create(BackendContext context) {
            throw new UnsupportedOperationException("a doctor never creates");
        }

        @Override
        public List<Diagnostic> diagnose(BackendContext context, List<ImageSpec> images) {
            List<Diagnostic> out = new ArrayList<>(List.of(Diagnostic.ok("engine", "answers")));
            for (ImageSpec i : images) {
                askedFor.add(i.reference());
                out.add(Diagnostic.problem("image " + i.reference(), "missing", "build it"));
            }
            return out;
        }
    };

    @Test
    void aMissingImageOfTheDefaultBottleIsAProblemAndAnotherOnlyAWarning() {
        Plugins plugins = Plugins.builder().discovery(false).backend(backend).agent(provider("main", "img/main:1"))
                .agent(provider("other", "img/other:1")).build();

        Report report = doctor(plugins, "main");

        assertThat(askedFor).containsExactly("img/main:1", "img/base:1", "img/other:1");
        assertThat(severity(report, "image img/main:1")).isEqualTo(Diagnostic.Severity.PROBLEM);
        assertThat(severity(report, "image img/base:1")).isEqualTo(Diagnostic.Severity.PROBLEM);
        assertThat(severity(report, "image img/other:1")).isEqualTo(Diagnostic.Severity.WARNING);
        assertThat(report.healthy()).isFalse();
    }

    @Test
    void aMissingDefaultTemplateAndAnUnknownBackendAreProblemsNamingTheFix() {
        Plugins plugins = Plugins.builder().discovery(false).backend(backend).agent(provider("other", "img/o:1")).build();

        Report missingTemplate = doctor(plugins, "claude");
        assertThat(missingTemplate.findings()).anySatisfy(f -> {
            assertThat(f.diagnostic().subject()).isEqualTo("agent provider claude");
            assertThat(f.diagnostic().severity()).isEqualTo(Diagnostic.Severity.PROBLEM);
        });

        Report unknownBackend = new Doctor(plugins, host(), "podman", Optional.of("other"), Map.of()).run(runtime(plugins));
        assertThat(unknownBackend.healthy()).isFalse();
        assertThat(unknownBackend.findings().get(0).diagnostic().fix()).get().asString().contains("--backend");
    }

    @Test
    void everythingPresentIsHealthy() {
        BackendProvider fine = new BackendProvider() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public Availability availability() {
                return Availability.ok();
            }

            @Override
            public BottleBackend create(BackendContext context) {
                return new NoBottles();
            }
        };
        Plugins plugins = Plugins.builder().discovery(false).backend(fine).agent(provider("main", "img/main:1")).build();

        Report report = doctor(plugins, "main");

        assertThat(report.healthy()).as(report.toString()).isTrue();
        assertThat(report.findings()).anySatisfy(f -> assertThat(f.diagnostic().detail()).contains("none orphaned"));
    }

    private Report doctor(Plugins plugins, String template) {
        return new Doctor(plugins, host(), "fake", Optional.of(template), Map.of()).run(runtime(plugins));
    }

    private BottleRuntime runtime(Plugins plugins) {
        return BottleRuntime.builder().host(host()).plugins(plugins).build();
    }

    private HostEnvironment host() {
        return new HostEnvironment(home, home, Map.of());
    }

    private static Diagnostic.Severity severity(Report r, String subject) {
        return r.findings().stream().map(Report.Finding::diagnostic).filter(d -> d.subject().equals(subject))
                .findFirst().orElseThrow().severity();
    }

    private static AgentProvider provider(String name, String image) {
        return new AgentProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public AgentProvisionPlan plan(AgentRequest request) {
                return AgentProvisionPlan.builder().image(ImageSpec.builder(image).dockerfile("FROM x")
                        .buildArg("BASE_IMAGE", "img/base:1").build()).build();
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
                return List.of("true");
            }

            @Override
            public List<String> headlessCommand(String prompt) {
                return List.of("true");
            }
        };
    }

    /** A backend double with no bottles, for the state section. */
    private static final class NoBottles implements BottleBackend {
        @Override
        public String name() {
            return "fake";
        }

        @Override
        public dev.botbottle.spi.BackendPlan describe(dev.botbottle.spi.BottleSpec spec) {
            throw new UnsupportedOperationException();
        }

        @Override
        public dev.botbottle.spi.HostReach prepare(dev.botbottle.spi.BottleSpec spec) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void create(dev.botbottle.spi.BottleSpec spec, dev.botbottle.spi.HostReach reach, List<Integer> ports) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Bottle start(String slug) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void stop(String slug) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Bottle resume(String slug, List<Integer> ports) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Bottle attach(String slug) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void teardown(String slug) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.Set<String> list() {
            return java.util.Set.of();
        }
    }
}
