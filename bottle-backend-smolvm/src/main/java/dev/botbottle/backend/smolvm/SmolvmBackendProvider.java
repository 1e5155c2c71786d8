package dev.botbottle.backend.smolvm;

import dev.botbottle.backend.smolvm.internal.AddressFirewall;
import dev.botbottle.backend.smolvm.internal.CommonsExecRunner;
import dev.botbottle.backend.smolvm.internal.HostAddresses;
import dev.botbottle.backend.smolvm.internal.ImageArchives;
import dev.botbottle.backend.smolvm.internal.ProcessRunner;
import dev.botbottle.backend.smolvm.internal.SmolvmBottleBackend;
import dev.botbottle.backend.smolvm.internal.SmolvmCli;
import dev.botbottle.spi.Availability;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.BottleBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code smolvm} backend: runs each bottle as a libkrun microVM, driving the {@code smolvm} CLI. The machine's
 * egress allow-list holds one host address of the bottle's own, where the gateway services listen; a host firewall
 * chain limits that address to the gateway ports; DNS refuses every name.
 *
 * <p>Registered in {@code META-INF/services/dev.botbottle.spi.BackendProvider}. Available when {@code smolvm} is
 * on PATH and, on Linux, {@code /dev/kvm} can be opened. Options read from {@link BackendContext#options()}:
 * {@code smolvm.binary} (default {@code smolvm} on PATH), {@code smolvm.docker} (the docker executable images are
 * built and saved with; default {@code docker} on PATH), {@code smolvm.iptables} and {@code smolvm.ip} (default on
 * PATH or in {@code /usr/sbin}, {@code /sbin}). Host addresses and firewall rules need root; without them a bottle
 * is created only when {@link dev.botbottle.spi.BottleSpec#allowWeakIsolation()} allows it, and then reaches the
 * host's loopback through smolvm's relay.
 *
 * <p><b>Test only:</b> the system property {@value #TEST_DOUBLE_PROPERTY} names a smolvm test double (an
 * executable whose {@code --version} says "test double"); when set, the provider runs it instead of smolvm and does
 * not ask for {@code /dev/kvm}, logging a warning. It exists so the backend's tests run on machines without KVM;
 * never set it in production.
 *
 * @since 0.1
 */
public final class SmolvmBackendProvider implements BackendProvider {

    /** Test only: names a smolvm test double to run instead of smolvm, without the KVM check. */
    public static final String TEST_DOUBLE_PROPERTY = "dev.botbottle.smolvm.testDouble";

    private static final Logger LOG = LoggerFactory.getLogger(SmolvmBackendProvider.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(20);
    private static final Path KVM = Path.of("/dev/kvm");

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public SmolvmBackendProvider() {
    }

    @Override
    public String name() {
        return "smolvm";
    }

    @Override
    public Availability availability() {
        Optional<String> testDouble = testDouble();
        if (testDouble.isPresent()) {
            return version(testDouble.get()).map(v -> v.contains("test double") ? Availability.ok()
                    : Availability.unavailable(TEST_DOUBLE_PROPERTY + " names " + testDouble.get() + ", whose --version ("
                    + v.strip() + ") does not say it is a smolvm test double"))
                    .orElseGet(() -> Availability.unavailable("the smolvm test double " + testDouble.get()
                            + " named by " + TEST_DOUBLE_PROPERTY + " does not run"));
        }
        Optional<Path> binary = find("smolvm");
        if (binary.isEmpty()) {
            return Availability.unavailable("smolvm not found on PATH; install smolvm "
                    + "and make sure `smolvm --version` runs");
        }
        if (isLinux()) {
            if (!Files.exists(KVM)) {
                return Availability.unavailable("/dev/kvm is missing: smolvm needs KVM (enable virtualisation, load "
                        + "the kvm module, or run on a machine that has it)");
            }
            if (!Files.isReadable(KVM) || !Files.isWritable(KVM)) {
                return Availability.unavailable("/dev/kvm exists but this user cannot open it; add the user to the "
                        + "kvm group (or run as root)");
            }
        }
        return version(binary.get().toString()).map(v -> Availability.ok())
                .orElseGet(() -> Availability.unavailable("`" + binary.get() + " --version` failed; check the "
                        + "smolvm installation"));
    }

    @Override
    public BottleBackend create(BackendContext context) {
        Optional<String> testDouble = testDouble();
        String binary = context.options().getOrDefault("smolvm.binary", testDouble.orElseGet(() ->
                find("smolvm").map(Path::toString).orElse("smolvm")));
        if (testDouble.isPresent() && binary.equals(testDouble.get())) {
            LOG.warn("using the smolvm TEST DOUBLE {} ({}): bottles are containers, not microVMs", binary,
                    TEST_DOUBLE_PROPERTY);
        }
        String docker = context.options().getOrDefault("smolvm.docker",
                find("docker").map(Path::toString).orElse("docker"));
        String iptables = context.options().getOrDefault("smolvm.iptables",
                find("iptables", "/usr/sbin", "/sbin").map(Path::toString).orElse("iptables"));
        String ip = context.options().getOrDefault("smolvm.ip",
                find("ip", "/usr/sbin", "/sbin", "/bin").map(Path::toString).orElse("ip"));
        ProcessRunner runner = new CommonsExecRunner();
        String runtime = (testDouble.isPresent() && binary.equals(testDouble.get()) ? "smolvm TEST DOUBLE (containers, "
                + "not microVMs): " : "smolvm microVMs (libkrun): ") + version(binary).map(String::strip).orElse(binary);
        return new SmolvmBottleBackend(new SmolvmCli(binary, runner), new HostAddresses(ip, runner),
                new AddressFirewall(iptables, runner),
                new ImageArchives(docker, runner, context.home().resolve("cache").resolve("smolvm").resolve("images"),
                        context.hostCaCertificates()),
                context.progress(), runtime);
    }

    private static Optional<String> testDouble() {
        String value = System.getProperty(TEST_DOUBLE_PROPERTY);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    private static Optional<String> version(String binary) {
        try {
            ProcessRunner.Captured r = new CommonsExecRunner().capture(ProcessRunner.Invocation.of(PROBE_TIMEOUT,
                    List.of(binary, "--version")));
            return r.succeeded() ? Optional.of(r.out()) : Optional.empty();
        } catch (BackendException e) {
            return Optional.empty();
        }
    }

    private static boolean isLinux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    }

    private static Optional<Path> find(String name, String... extraDirectories) {
        List<String> directories = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            directories.addAll(List.of(path.split(File.pathSeparator)));
        }
        directories.addAll(List.of(extraDirectories));
        String home = System.getProperty("user.home");
        if (home != null && name.equals("smolvm")) {
            directories.add(Path.of(home, ".local", "bin").toString());
        }
        for (String directory : directories) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath());
            }
        }
        return Optional.empty();
    }
}
