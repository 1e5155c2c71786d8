package dev.botbottle.core.doctor;

import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plugin.PluginRegistry;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.BottleStatus;
import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.Availability;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.Diagnostic;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.core.runtime.HostTrust;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks everything a bottle needs on this host and reports it as one list of findings, each with the command that
 * fixes it: the backend's own checks (engine, isolation, images), the gateway services' checks, every plugin found
 * (with its jar and availability, and what went wrong loading plugins), the host's CA bundle, and the bottles whose
 * state or engine objects were orphaned. Read-only.
 *
 * <p>A {@link Diagnostic.Severity#PROBLEM} means the default bottle (the default template's provider on the chosen
 * backend) cannot launch; a missing image or unavailable plugin the default bottle does not use is a warning.
 *
 * @since 0.2
 */
public final class Doctor {

    private final Plugins plugins;
    private final HostEnvironment host;
    private final String backend;
    private final Optional<String> defaultTemplate;
    private final Map<String, String> backendOptions;

    /**
     * @param plugins the installed plugins
     * @param host the host
     * @param backend the backend bottles launch on by default
     * @param defaultTemplate the template of a bottle that names none
     * @param backendOptions the backend options launches use
     */
    public Doctor(Plugins plugins, HostEnvironment host, String backend, Optional<String> defaultTemplate,
                  Map<String, String> backendOptions) {
        this.plugins = Objects.requireNonNull(plugins, "plugins");
        this.host = Objects.requireNonNull(host, "host");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.defaultTemplate = Objects.requireNonNull(defaultTemplate, "defaultTemplate");
        this.backendOptions = Map.copyOf(backendOptions);
    }

    /**
     * @param runtime a runtime on the same home, for the bottles' states
     * @return every finding, grouped by section in reading order
     */
    public Report run(BottleRuntime runtime) {
        List<Report.Finding> out = new ArrayList<>();
        backend(out);
        for (var gateway : plugins.gateways().all().values()) {
            gateway.diagnose().forEach(d -> out.add(new Report.Finding("gateway services", d)));
        }
        plugins(out);
        hostCa(out);
        state(runtime, out);
        return new Report(out);
    }

    private void backend(List<Report.Finding> out) {
        BackendProvider provider = plugins.backends().all().get(backend);
        String section = "backend " + backend;
        if (provider == null) {
            out.add(new Report.Finding(section, Diagnostic.problem("backend " + backend, "not installed (installed: "
                    + String.join(", ", plugins.backends().all().keySet()) + ")", "put its jar on the class path"
                    + " (BOT_BOTTLE_PLUGIN_PATH) or choose another with --backend / BOT_BOTTLE_BACKEND")));
            return;
        }
        Map<String, ImageSpec> specs = new LinkedHashMap<>();
        Set<String> forDefault = new LinkedHashSet<>();
        images(specs, forDefault);
        List<Diagnostic> found = provider.diagnose(new BackendContext(host.botBottleHome(), ProgressListener.NONE,
                backendOptions), List.copyOf(specs.values()));
        for (Diagnostic d : found) {
            boolean otherImage = specs.keySet().stream()
                    .anyMatch(ref -> d.subject().equals("image " + ref) && !forDefault.contains(ref));
            out.add(new Report.Finding(section, !otherImage || d.severity() != Diagnostic.Severity.PROBLEM ? d
                    : new Diagnostic(d.subject(), Diagnostic.Severity.WARNING, d.detail()
                    + " (only bottles that use it need it)", d.fix())));
        }
    }

    /** Collects the images the installed providers use (with their base images), and those the default bottle needs. */
    private void images(Map<String, ImageSpec> specs, Set<String> forDefault) {
        for (AgentProvider p : plugins.agents().all().values()) {
            boolean isDefault = defaultTemplate.filter(p.name()::equals).isPresent();
            Optional<ImageSpec> image;
            try {
                image = p.plan(AgentRequest.builder("doctor", "doctor-check").hostHome(host.userHome())
                        .hostEnvironment(host.environment()).build()).image();
            } catch (RuntimeException e) {
                continue; // a provider that cannot plan without settings says so at plan time
            }
            image.ifPresent(spec -> {
                List<ImageSpec> both = new ArrayList<>(List.of(spec));
                Optional.ofNullable(spec.buildArgs().get("BASE_IMAGE")).map(ImageSpec::of).ifPresent(both::add);
                for (ImageSpec i : both) {
                    specs.putIfAbsent(i.reference(), i);
                    if (isDefault) {
                        forDefault.add(i.reference());
                    }
                }
            });
        }
    }

    private void plugins(List<Report.Finding> out) {
        registry(out, "backend", plugins.backends(), BackendProvider::availability, n -> n.equals(backend));
        registry(out, "agent provider", plugins.agents(), AgentProvider::availability,
                n -> defaultTemplate.filter(n::equals).isPresent());
        registry(out, "deploy-key provisioner", plugins.deployKeys(), f -> f.availability(), n -> false);
        registry(out, "gateway service", plugins.gateways(), g -> Availability.ok(), n -> true);
        defaultTemplate.filter(t -> !plugins.agents().all().containsKey(t)).ifPresent(t -> out.add(
                new Report.Finding("plugins", Diagnostic.problem("agent provider " + t, "the default template is not"
                        + " installed", "put its jar on the class path, or name another template in your bottles"))));
        for (String p : plugins.problems()) {
            out.add(new Report.Finding("plugins", Diagnostic.warning("plugin loading", p,
                    "remove or replace the jar named above")));
        }
    }

    private static <T> void registry(List<Report.Finding> out, String kind, PluginRegistry<T> registry,
                                     Function<T, Availability> availability, java.util.function.Predicate<String> vital) {
        registry.all().forEach((name, plugin) -> {
            String subject = kind + " " + name;
            String where = plugin.getClass().getName() + " from " + jarOf(plugin.getClass());
            Availability a = availability.apply(plugin);
            out.add(new Report.Finding("plugins", a.isAvailable() ? Diagnostic.ok(subject, where)
                    : new Diagnostic(subject, vital.test(name) ? Diagnostic.Severity.PROBLEM
                    : Diagnostic.Severity.WARNING, "unavailable: " + a.reason() + " (" + where + ")",
                    Optional.of("see the reason"))));
        });
    }

    private static String jarOf(Class<?> type) {
        var source = type.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? "(unknown location)" : source.getLocation().getPath();
    }

    private static void hostCa(List<Report.Finding> out) {
        if (!Files.isReadable(HostTrust.SYSTEM_BUNDLE)) {
            out.add(new Report.Finding("host CA", Diagnostic.warning("host CA bundle", HostTrust.SYSTEM_BUNDLE
                    + " is missing: the egress gateway trusts only the JDK's CAs upstream",
                    "apt-get install ca-certificates")));
            return;
        }
        int extra = HostTrust.system().extraCertificates().size();
        out.add(new Report.Finding("host CA", Diagnostic.ok("host CA bundle", HostTrust.SYSTEM_BUNDLE + " is trusted"
                + " upstream by the egress gateway" + (extra == 0 ? "" : "; it holds " + extra + " CA certificate(s)"
                + " beyond the stock ones (a corporate proxy?): `bottle launch AGENT --trust-host-ca` makes a bottle trust"
                + " them too"))));
    }

    private static void state(BottleRuntime runtime, List<Report.Finding> out) {
        List<BottleStatus> all;
        try {
            all = runtime.list();
        } catch (RuntimeException e) {
            out.add(new Report.Finding("state", Diagnostic.warning("bottles", "could not list them: " + e.getMessage(),
                    "`bottle ps` shows the same; fix the engine first")));
            return;
        }
        Set<String> orphans = new LinkedHashSet<>();
        for (BottleStatus s : all) {
            if (s.status().startsWith("orphaned")) {
                orphans.add(s.slug());
                out.add(new Report.Finding("state", Diagnostic.warning("bottle " + s.slug(), s.status(),
                        "`bottle rm " + s.slug() + "`")));
            }
        }
        if (orphans.isEmpty()) {
            out.add(new Report.Finding("state", Diagnostic.ok("bottles", all.size() + " bottle(s), none orphaned")));
        }
        Set<String> live = new LinkedHashSet<>();
        all.stream().filter(s -> !s.status().startsWith("orphaned")).forEach(s -> live.add(s.slug()));
        for (var key : runtime.pendingDeployKeys()) {
            if (!live.contains(key.slug())) {
                out.add(new Report.Finding("state", Diagnostic.warning("deploy key " + key.id(), "still registered on "
                        + key.repository() + " (" + key.provider() + ", remote " + key.remote() + ") for bottle "
                        + key.slug() + ", whose teardown could not delete it", "`bottle cleanup` (with the token"
                        + " variable set) deletes it")));
            }
        }
    }
}
