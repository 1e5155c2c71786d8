package dev.botbottle.spi.support;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.GatewayProgram;
import dev.botbottle.spi.GatewayRunner;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a {@link GatewayProgram} as a process of this host with this JVM's {@code java}, bound where the backend
 * prepared the bottle's reach (the configuration it reads says where), its log ({@code gateway.log}, its standard
 * error) in the control directory. Its environment is cleared down to {@code PATH}, {@code LANG}, {@code LC_ALL},
 * {@code TZ} and {@code TMPDIR}, so no credential the host process holds in its own environment shows up in the
 * gateway's ({@code /proc/<pid>/environ}). Its command line holds the class path and main class only.
 *
 * <p>A backend whose bottles reach this host (Docker with {@code docker.gateway=process}) returns it from
 * {@link dev.botbottle.spi.BottleBackend#gatewayRunner}.
 *
 * @since 0.3
 */
public final class HostProcessGatewayRunner implements GatewayRunner {

    /** The variables the gateway process keeps from this process's environment. */
    public static final List<String> KEPT_ENVIRONMENT = List.of("PATH", "LANG", "LC_ALL", "TZ", "TMPDIR");

    private final Path java;
    private final List<String> jvmOptions;

    /** A runner using this JVM's {@code java} and no JVM options. */
    public HostProcessGatewayRunner() {
        this(Path.of(System.getProperty("java.home"), "bin", "java"), List.of());
    }

    /**
     * @param java the {@code java} executable
     * @param jvmOptions options before the main class (no secret: they are visible in the process listing)
     */
    public HostProcessGatewayRunner(Path java, List<String> jvmOptions) {
        this.java = java;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    @Override
    public Running start(GatewayProgram program) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, program.classPath().stream().map(Path::toString).toList()));
        command.add(program.mainClass());
        command.addAll(program.arguments());
        return start(program, command, List.of());
    }

    /**
     * Starts the process that runs (or attaches to) a gateway program: {@code command} with this process's
     * environment cleared down to {@link #KEPT_ENVIRONMENT} and {@code keptToo}, its standard error appended to
     * {@code gateway.log} in the program's control directory. A runner that places the program elsewhere (an engine
     * client attached to a container, say) uses it for the local half.
     *
     * @param program the program (for its slug and control directory)
     * @param command the command; no secret (it is visible in the process listing)
     * @param keptToo the names of more variables of this process to keep (no secret: the process's environment is
     *                readable by its user)
     * @return the running process; closing it closes its standard input, then ends it if it has not ended 10 s later
     * @throws BackendException when it cannot be started
     * @since 0.3
     */
    public static Running start(GatewayProgram program, List<String> command, List<String> keptToo) {
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        Map<String, String> kept = new java.util.HashMap<>();
        Stream.concat(KEPT_ENVIRONMENT.stream(), keptToo.stream()).forEach(name -> {
            String value = System.getenv(name);
            if (value != null) {
                kept.put(name, value);
            }
        });
        env.clear();
        env.putAll(kept);
        Path log = program.controlDirectory().resolve("gateway.log");
        builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            Process process = builder.start();
            return new HostProcess(process, log);
        } catch (IOException e) {
            throw new BackendException("cannot start the gateway process of bottle " + program.slug() + " with "
                    + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    /** The started process. */
    private record HostProcess(Process process, Path log) implements Running {
        @Override
        public OutputStream stdin() {
            return process.getOutputStream();
        }

        @Override
        public InputStream stdout() {
            return process.getInputStream();
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public String logTail() {
            return tail(log, 20);
        }

        @Override
        public void close() {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                // already closed: the process is ending anyway
            }
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroy();
                    if (!process.waitFor(5, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * @param file a log file
     * @param lines how many lines
     * @return its last lines, or empty when it cannot be read
     */
    public static String tail(Path file, int lines) {
        try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Deque<String> last = new ArrayDeque<>();
            String line;
            while ((line = reader.readLine()) != null) {
                last.addLast(line);
                if (last.size() > lines) {
                    last.removeFirst();
                }
            }
            return String.join("\n", last);
        } catch (IOException e) {
            return "";
        }
    }
}
