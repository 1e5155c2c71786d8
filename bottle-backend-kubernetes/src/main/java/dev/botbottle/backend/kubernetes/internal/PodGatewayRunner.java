package dev.botbottle.backend.kubernetes.internal;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.GatewayProgram;
import dev.botbottle.spi.GatewayRunner;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Runs the runtime's gateway program in the gateway container of a bottle's Pod (ADR 18). The Pod is made (or
 * resumed) and awaited first: the runtime starts a bottle's gateway before it creates the bottle. The program's
 * read-only files (extra CA files, git key files) are copied under the container's own volume
 * ({@link Options.Program#root()}, memory-backed, mounted in that container only) at their host paths, in a tar
 * archive on an exec's standard input; then the program runs in a second exec whose standard input and output are
 * the program's. Its configuration, credentials and control channel travel on those streams (through the API
 * server's TLS connection, never on a command line, in an environment or in a Secret); its standard error is
 * appended to {@code gateway.log} in the bottle's control directory on this host.
 *
 * <p>The program runs the image's class path ({@link Options.Program#classPath()}), not this host's. Closing the
 * running program closes its exec, which ends the program's standard input, its lifeline; so does this JVM's end (its
 * connection to the API server goes with it).
 */
final class PodGatewayRunner implements GatewayRunner {

    private static final Logger LOG = LoggerFactory.getLogger(PodGatewayRunner.class);
    private static final Duration PLACE_TIMEOUT = Duration.ofSeconds(120);

    private final Cluster cluster;
    private final String namespace;
    private final Options.Program program;
    private final String slug;
    private final Supplier<Pod> pod;

    /**
     * @param cluster the cluster
     * @param namespace the bottle's namespace
     * @param program where the program is in the gateway image
     * @param slug the bottle
     * @param pod makes or resumes the bottle's Pod and returns it once ready
     */
    PodGatewayRunner(Cluster cluster, String namespace, Options.Program program, String slug, Supplier<Pod> pod) {
        this.cluster = cluster;
        this.namespace = namespace;
        this.program = program;
        this.slug = slug;
        this.pod = pod;
    }

    @Override
    public Optional<Path> programRoot() {
        return Optional.of(Path.of(program.root()));
    }

    @Override
    public Running start(GatewayProgram gateway) {
        String name = pod.get().getMetadata().getName();
        place(gateway, name);
        List<String> command = command(program, gateway);
        OutputStream log;
        try {
            Files.createDirectories(gateway.controlDirectory());
            log = Files.newOutputStream(gateway.controlDirectory().resolve("gateway.log"), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new BackendException("cannot open the gateway log of bottle " + slug + " in "
                    + gateway.controlDirectory() + ": " + e.getMessage(), e);
        }
        PodExec.ErrorTail err = new PodExec.ErrorTail(log);
        ExecWatch watch;
        try {
            watch = cluster.client().pods().inNamespace(namespace).withName(name).inContainer(Names.GATEWAY_CONTAINER)
                    .redirectingInput().redirectingOutput().writingError(err).exec(command.toArray(String[]::new));
        } catch (KubernetesClientException e) {
            closeQuietly(log);
            throw new BackendException("could not start the gateway program of bottle " + slug + " in pod "
                    + namespace + "/" + name + ": " + e.getMessage(), e);
        }
        LOG.info("gateway program of bottle {} starts in container {} of pod {}/{}", slug, Names.GATEWAY_CONTAINER,
                namespace, name);
        return new InPod(watch, err, log);
    }

    /** @return the program's exec command line: the image's java and class path; nothing secret */
    static List<String> command(Options.Program program, GatewayProgram gateway) {
        List<String> command = new ArrayList<>(List.of(program.java(), "-XX:-UsePerfData",
                "-Djava.io.tmpdir=" + program.root() + "/tmp", "-cp", program.classPath(), gateway.mainClass()));
        command.addAll(gateway.arguments());
        return command;
    }

    /** Makes the state and temporary directories under the root and copies the read-only files there. */
    private void place(GatewayProgram gateway, String name) {
        Path root = Path.of(program.root());
        Map<String, Path> entries = new LinkedHashMap<>();
        for (Path file : gateway.readOnlyFiles()) {
            entries.put(root.relativize(GatewayRunner.placed(root, file)).toString(), file);
        }
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try {
            Tars.writeFiles(entries, tar);
        } catch (IOException e) {
            throw new BackendException("cannot read the files of the gateway of bottle " + slug + ": "
                    + e.getMessage(), e);
        }
        byte[] archive = tar.toByteArray();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        PodExec exec = new PodExec(cluster.client(), namespace, slug, name, Names.GATEWAY_CONTAINER);
        int code = exec.run(ExecRequest.of("sh", "-c", "umask 077 && mkdir -p \"$0\" \"$1\" && tar -x -p -f - -C \"$2\"",
                        GatewayRunner.placed(root, gateway.stateDirectory()).toString(), program.root() + "/tmp",
                        program.root()).withTimeout(PLACE_TIMEOUT),
                Optional.of(new PodExec.Input(new ByteArrayInputStream(archive), archive.length)),
                OutputStream.nullOutputStream(), errors);
        if (code != 0) {
            throw new BackendException("could not place the gateway files of bottle " + slug + " under "
                    + program.root() + " in its gateway container: " + errors.toString(StandardCharsets.UTF_8).strip()
                    + " (backend option kubernetes.gateway.root names where the container's volume is mounted)");
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // nothing left to release
        }
    }

    /** The program in its exec. */
    private final class InPod implements Running {
        private final ExecWatch watch;
        private final PodExec.ErrorTail err;
        private final OutputStream log;
        private boolean closed;

        InPod(ExecWatch watch, PodExec.ErrorTail err, OutputStream log) {
            this.watch = watch;
            this.err = err;
            this.log = log;
        }

        @Override
        public OutputStream stdin() {
            return watch.getInput();
        }

        @Override
        public InputStream stdout() {
            return watch.getOutput();
        }

        /** @return this JVM's pid: the local process behind the program is the one holding its exec */
        @Override
        public long pid() {
            return ProcessHandle.current().pid();
        }

        @Override
        public boolean isAlive() {
            return !watch.exitCode().isDone();
        }

        @Override
        public String logTail() {
            return err.tail();
        }

        /**
         * Closes the exec: the container's end of it closes the program's standard input, its lifeline (the exec
         * protocol this client speaks, v4, cannot close standard input alone).
         */
        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            closeQuietly(watch.getInput());
            watch.close();
            closeQuietly(log);
            LOG.info("gateway program of bottle {}: its exec is closed", slug);
        }
    }
}
