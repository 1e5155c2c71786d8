package dev.botbottle.core.runtime;

import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.state.HostSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The host side of the watchdog: one small process per JVM that outlives it. Runtimes that hold bottles register
 * their home with it; when this JVM dies without unregistering (SIGKILL, a crash, {@code halt}, an exit that never
 * closed its runtimes), the watchdog sees its stdin end, waits until the JVM is gone, and removes every bottle of
 * those homes whose holder died ({@link BottleRuntime#reap()}), unless preserved.
 *
 * <p>The lifeline is the watchdog's stdin: the kernel closes it when this process ends, however it ends. Lines:
 * {@code watch <home> <user home> <backend options>} and {@code unwatch <home>} (fields Base64 of UTF-8), {@code bye}
 * when nothing is watched any more (the watchdog then exits without reaping). It runs in its own session
 * ({@code setsid}), so a terminal's Ctrl-C or hang-up that kills this JVM does not take the watchdog with it.
 *
 * <p>The process is {@link #MAIN} on this JVM's class path, so it finds the same backends through
 * {@link java.util.ServiceLoader}. When bot-bottle is not on the class path (a shaded or nested-jar application), no
 * watchdog is started and the next runtime that starts does the cleanup.
 */
final class Watchdog {

    /** The watchdog's main class (named, not referenced: it depends on this package, not the other way round). */
    static final String MAIN = "dev.botbottle.core.internal.WatchdogMain";
    /** Marks the watchdog's command line, for people reading {@code ps} (and tests finding it). */
    static final String MARKER = "-Dbot-bottle.watchdog=";

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    private static final Watchdog JVM = new Watchdog();

    private final Map<Path, Integer> watchers = new HashMap<>();
    private Process process;
    private OutputStream lifeline;
    private int started;

    private Watchdog() {
    }

    /** @return this JVM's watchdog */
    static Watchdog jvm() {
        return JVM;
    }

    /** A runtime's registration; closing it unregisters the home when no other runtime of it is registered. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Registers a home, starting the watchdog process when none runs.
     *
     * @return the registration; a no-op one when no watchdog can run here (logged once)
     */
    synchronized Registration watch(HostEnvironment host, Map<String, String> backendOptions) {
        Path home = host.botBottleHome().toAbsolutePath().normalize();
        if (!ensureRunning(home)) {
            return () -> { };
        }
        Map<String, String> options = new TreeMap<>(backendOptions);
        StringBuilder o = new StringBuilder();
        options.forEach((k, v) -> o.append(k).append('=').append(v).append('\n'));
        if (!send("watch " + b64(home.toString()) + " " + b64(host.userHome().toString()) + " " + b64(o.toString()))) {
            return () -> { };
        }
        watchers.merge(home, 1, Integer::sum);
        boolean[] closed = {false};
        return () -> {
            synchronized (Watchdog.this) {
                if (!closed[0]) {
                    closed[0] = true;
                    unwatch(home);
                }
            }
        };
    }

    /** @return the watchdog's process, while one runs */
    synchronized Optional<ProcessHandle> process() {
        return process == null || !process.isAlive() ? Optional.empty() : Optional.of(process.toHandle());
    }

    private void unwatch(Path home) {
        Integer left = watchers.merge(home, -1, Integer::sum);
        if (left != null && left <= 0) {
            watchers.remove(home);
            send("unwatch " + b64(home.toString()));
        }
        if (watchers.isEmpty() && process != null) {
            send("bye");
            try {
                lifeline.close();
            } catch (IOException ignored) {
                // it is gone already
            }
            process = null;
            lifeline = null;
        }
    }

    private boolean ensureRunning(Path home) {
        if (process != null && process.isAlive()) {
            return true;
        }
        if (process != null) {
            LOG.warn("the bot-bottle watchdog exited early (exit {}); starting another", process.exitValue());
            watchers.clear();
        }
        Optional<List<String>> argv = command();
        if (argv.isEmpty()) {
            return false;
        }
        try {
            Path logs = home.resolve("logs");
            Files.createDirectories(logs);
            Path log = logs.resolve("watchdog-" + ProcessHandle.current().pid() + "-" + (++started) + ".log");
            List<String> args = new ArrayList<>(argv.get());
            args.addAll(List.of("--host", HostSession.current().label(), "--log", log.toString()));
            process = new ProcessBuilder(args).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            lifeline = process.getOutputStream();
            LOG.debug("bot-bottle watchdog {} started (log {})", process.pid(), log);
            return true;
        } catch (IOException e) {
            LOG.warn("could not start the bot-bottle watchdog ({}); bottles of a crashed process are removed by the"
                    + " next runtime that starts", e.getMessage());
            process = null;
            return false;
        }
    }

    private boolean send(String line) {
        try {
            lifeline.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            lifeline.flush();
            return true;
        } catch (IOException e) {
            LOG.warn("the bot-bottle watchdog does not listen ({}); bottles of a crashed process are removed by the"
                    + " next runtime that starts", e.getMessage());
            return false;
        }
    }

    /** @return the watchdog's command line, or empty when this JVM cannot start one (logged) */
    private static Optional<List<String>> command() {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        try {
            if (Class.forName(MAIN, false, system) == null) {
                return Optional.empty();
            }
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.info("no bot-bottle watchdog: bot-bottle is not on this JVM's class path ({}); bottles of a crashed"
                    + " process are removed by the next runtime that starts", e.getMessage());
            return Optional.empty();
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> argv = new ArrayList<>();
        Path setsid = Path.of("/usr/bin/setsid");
        if (Files.isExecutable(setsid)) {
            argv.add(setsid.toString()); // its own session: a terminal's signals do not reach it
        }
        argv.addAll(List.of(java.toString(), MARKER + ProcessHandle.current().pid(), "-Xmx32m", "-Xss512k",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "-cp", System.getProperty("java.class.path"), MAIN));
        return Optional.of(argv);
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
