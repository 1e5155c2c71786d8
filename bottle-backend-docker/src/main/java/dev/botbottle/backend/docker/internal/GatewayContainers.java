package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.GatewayProgram;
import dev.botbottle.spi.GatewayRunner;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.support.HostProcessGatewayRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A bottle's gateway as containers on the bottle's network ({@code docker.gateway=container}, ADR 14).
 *
 * <p>The <em>holder</em> ({@link Names#gatewayHolder}) is started with the bottle's network: an idle container
 * whose network namespace is the gateway's place, on the bottle's internal network (its address there is the
 * bottle's {@link dev.botbottle.spi.HostReach}) and on the engine's default {@code bridge}, the way out to the
 * upstreams. It lives until the bottle is removed, so a stopped bottle keeps its gateway address. The
 * <em>program</em> ({@link Names#gatewayProgram}) is the gateway program in the gateway image, run attached in the
 * holder's namespace: its standard input carries the configuration and credentials and is its lifeline, as for a
 * gateway process on the host; it ends, and is removed, with it.
 */
final class GatewayContainers {

    /** Variables of this process the docker client attached to a program keeps (where the engine is). */
    private static final List<String> DOCKER_ENVIRONMENT = List.of("HOME", "DOCKER_HOST", "DOCKER_CONFIG",
            "DOCKER_CONTEXT", "DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY");

    private final DockerCli docker;
    private final GatewayImage image;
    private final String holderImage;
    private final ProgressListener progress;
    /** Holders this JVM started for a launch whose program has not started yet: nothing to check for them. */
    private final java.util.Set<String> fresh = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param docker the CLI
     * @param image the gateway image
     * @param holderImage the image the holder idles in
     * @param progress receives the image build's output
     */
    GatewayContainers(DockerCli docker, GatewayImage image, String holderImage, ProgressListener progress) {
        this.docker = docker;
        this.image = image;
        this.holderImage = holderImage;
        this.progress = progress;
    }

    /**
     * Starts the holder of a bottle whose network exists.
     *
     * @param spec the bottle
     * @return the holder's address on the bottle's network
     */
    String startHolder(BottleSpec spec) {
        String holder = Names.gatewayHolder(spec.slug());
        if (!docker.imageExists(holderImage)) {
            throw new BackendException("docker.gateway=container runs the gateway of bottle " + spec.slug()
                    + " on the base image " + holderImage + ", which the engine does not have; build it with "
                    + "scripts/build-base-image.sh");
        }
        progress.onProgress("gateway", "starting gateway container " + holder + " on network "
                + Names.network(spec.slug()));
        docker.check("start the gateway container " + holder, DockerArgs.gatewayHolderRun(spec, holderImage));
        docker.check("connect the gateway container " + holder + " to the default bridge",
                List.of("network", "connect", "bridge", holder));
        String address = address(spec.slug());
        fresh.add(spec.slug());
        return address;
    }

    /**
     * Makes sure the holder runs with the address the bottle was given (after an engine restart it is stopped).
     *
     * @param slug the bottle
     * @param expected the address recorded at launch
     * @throws BackendException when it is missing or came back elsewhere
     */
    void ensureHolder(String slug, String expected) {
        String holder = Names.gatewayHolder(slug);
        CommandResult running = docker.run(List.of("container", "inspect", "--format", "{{.State.Running}}", holder));
        if (!running.succeeded()) {
            throw new BackendException("bottle " + slug + " has no gateway container " + holder + " ("
                    + running.stderrText() + "); it was launched with another docker.gateway mode, or the container "
                    + "was removed: remove the bottle (`bottle rm " + slug + "`) and launch it again");
        }
        if (!"true".equals(running.stdoutText().strip())) {
            docker.check("start the gateway container " + holder, List.of("start", holder));
        }
        String address = address(slug);
        if (!address.equals(expected)) {
            throw new BackendException("the gateway container " + holder + " of bottle " + slug + " came back with "
                    + "address " + address + " instead of " + expected + ", which the bottle was set up to use; "
                    + "remove the bottle (`bottle rm " + slug + "`) and launch it again");
        }
    }

    /**
     * @param slug the bottle
     * @param address its gateway address
     * @return the runner of its gateway program
     */
    GatewayRunner runner(String slug, String address) {
        return program -> start(slug, address, program);
    }

    /**
     * Removes a bottle's gateway containers, the program first (the holder's namespace is its network).
     *
     * @param slug the bottle
     */
    static void remove(DockerCli docker, String slug) {
        List<String> ids = new ArrayList<>(DockerOutput.lines(docker.check("list the gateway containers of " + slug,
                List.of("ps", "-aq", "--filter", "label=" + Names.SLUG_LABEL + "=" + slug, "--filter",
                        "label=" + Names.ROLE_LABEL, "--filter", "label=" + Names.MANAGED_LABEL + "=true"))));
        if (!ids.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("rm", "-f", "-v"));
            args.addAll(ids);
            docker.check("remove the gateway containers of " + slug, args);
        }
    }

    private GatewayRunner.Running start(String slug, String address, GatewayProgram program) {
        if (!fresh.remove(slug)) {
            ensureHolder(slug, address); // a resume: the holder may have stopped with the engine
        }
        GatewayImage.Built built = image.ensure(program.classPath(), progress);
        List<String> javaArgs = new ArrayList<>(List.of("-cp", String.join(":", built.classPath()),
                program.mainClass()));
        javaArgs.addAll(program.arguments());
        List<Path> mounts = new ArrayList<>(List.of(program.stateDirectory().toAbsolutePath()));
        Path control = program.controlDirectory().toAbsolutePath();
        if (!control.startsWith(mounts.get(0))) {
            mounts.add(control);
        }
        List<String> command = docker.argv(DockerArgs.gatewayProgramRun(slug, built.reference(),
                owner(program.stateDirectory()), mounts, program.readOnlyFiles().stream()
                        .map(Path::toAbsolutePath).toList(), GatewayImage.JAVA, javaArgs));
        return HostProcessGatewayRunner.start(program, command, DOCKER_ENVIRONMENT);
    }

    /** @param slug the bottle @return its holder's address on its network */
    String address(String slug) {
        String network = Names.network(slug);
        String address = docker.check("read the address of the gateway container of " + slug, List.of("container",
                "inspect", "--format", "{{with index .NetworkSettings.Networks \"" + network + "\"}}{{.IPAddress}}{{end}}",
                Names.gatewayHolder(slug))).strip();
        if (address.isEmpty()) {
            throw new BackendException("the gateway container " + Names.gatewayHolder(slug) + " has no address on "
                    + "network " + network + "; remove the bottle (`bottle rm " + slug + "`) and launch it again");
        }
        return address;
    }

    /** @return {@code uid:gid} of the state directory's owner, whom the program runs as */
    private static String owner(Path stateDirectory) {
        try {
            return Files.getAttribute(stateDirectory, "unix:uid") + ":" + Files.getAttribute(stateDirectory, "unix:gid");
        } catch (IOException | UnsupportedOperationException e) {
            throw new BackendException("cannot read the owner of " + stateDirectory + " (the gateway program runs as "
                    + "that user): " + e.getMessage(), e);
        }
    }
}
