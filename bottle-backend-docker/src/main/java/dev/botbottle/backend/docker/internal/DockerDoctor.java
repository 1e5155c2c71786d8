package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.Diagnostic;
import dev.botbottle.spi.ImageSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The Docker backend's findings for {@code bottle doctor}: engine, gVisor, host firewall, images. Read-only. */
public final class DockerDoctor {

    /** The image the project's scripts build with debootstrap; the default base of every agent image. */
    public static final String BASE_IMAGE = "bot-bottle/base:bookworm";

    private final DockerCli docker;
    private final HostFirewall firewall;

    /**
     * @param docker the CLI
     * @param firewall the host firewall
     */
    public DockerDoctor(DockerCli docker, HostFirewall firewall) {
        this.docker = docker;
        this.firewall = firewall;
    }

    /**
     * @param images the images to look for
     * @return the findings; nothing past the engine when no engine answers
     */
    public List<Diagnostic> diagnose(List<ImageSpec> images) {
        List<Diagnostic> out = new ArrayList<>();
        CommandResult version = docker.run(List.of("version", "--format", "{{.Server.Version}}"));
        if (!version.succeeded() || version.stdoutText().isBlank()) {
            out.add(Diagnostic.problem("docker engine", "no engine answers: " + firstLine(version.stderrText()),
                    "scripts/ensure-docker.sh (installs docker.io and starts dockerd), or start your engine"));
            return out;
        }
        out.add(Diagnostic.ok("docker engine", "Docker Engine " + version.stdoutText().strip() + " answers"));
        CommandResult runtimes = docker.run(List.of("info", "--format", "{{json .Runtimes}}"));
        boolean runsc = runtimes.succeeded() && DockerOutput.runtimes(runtimes.stdoutText()).contains("runsc");
        out.add(runsc ? Diagnostic.ok("gVisor (runsc)", "registered: bottles run on a user-space kernel")
                : Diagnostic.warning("gVisor (runsc)", "not registered with the engine: bottles run on runc, sharing"
                + " the host kernel", "install gVisor (https://gvisor.dev/docs/user_guide/install/) and register it:"
                + " `runsc install` then restart dockerd"));
        Optional<String> noFirewall = firewall.unavailableReason();
        out.add(noFirewall.isEmpty()
                ? Diagnostic.ok("host firewall", "per-bottle iptables chains can be installed: a bottle reaches only"
                + " its gateway ports on the host")
                : Diagnostic.problem("host firewall", noFirewall.get() + "; without it a launch is refused (or runs"
                + " with weak isolation when --allow-weak-isolation is given)",
                "run as root with iptables installed (apt-get install iptables)"));
        for (ImageSpec image : images) {
            out.add(image(image));
        }
        return out;
    }

    private Diagnostic image(ImageSpec image) {
        String subject = "image " + image.reference();
        if (docker.imageExists(image.reference())) {
            return Diagnostic.ok(subject, "present");
        }
        if (image.buildable()) {
            String base = image.buildArgs().get("BASE_IMAGE");
            if (base != null && !docker.imageExists(base)) {
                return Diagnostic.problem(subject, "missing, and so is its base image " + base + " it is built from",
                        base.equals(BASE_IMAGE) ? "scripts/build-base-image.sh" : "docker build or load " + base);
            }
            return Diagnostic.info(subject, "missing; built from its Dockerfile at the first launch that needs it");
        }
        return Diagnostic.problem(subject, "missing, and there is no Dockerfile to build it from",
                image.reference().equals(BASE_IMAGE) ? "scripts/build-base-image.sh"
                        : "docker pull, build or load " + image.reference());
    }

    private static String firstLine(String text) {
        String t = text.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
