package dev.botbottle.cli;

import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.HostCommand;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What happens once a bottle runs: an interactive session, a headless run, or holding its gateways in a
 * detached process. Shared by {@code launch} and {@code resume}.
 */
final class Session {

    /** Printed by a detached holder once its bottle is ready. */
    static final String READY = "BOTTLE-READY ";
    /** Internal option that makes a launch or resume hold the bottle's gateways in this process. */
    static final String HOLD_OPTION = "--hold";
    /** First argument of a holder's JVM, so it can be recognised before it is stopped. */
    static final String HOLDER_MARKER = "-Dbot-bottle.holder=";

    private Session() {
    }

    /**
     * Holds the bottle's gateways until this process is told to stop (SIGTERM from {@code bottle stop/rm}).
     */
    static int hold(BottleRuntime runtime, RunningBottle bottle, PrintStream out) {
        return hold(runtime, bottle.slug(), out);
    }

    /**
     * Reports {@code ready} to the process that started this one, then holds what this runtime runs (gateways, warm
     * pools) until this process is told to stop (SIGTERM), when the runtime is closed.
     */
    static int hold(BottleRuntime runtime, String ready, PrintStream out) {
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "bottle-gateway-shutdown"));
        out.println(READY + ready);
        out.flush();
        out.close();
        try {
            forever.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * Starts this very command again in the background with {@link #HOLD_OPTION} and waits until it reports the
     * bottle ready; its log goes to a file whose name is printed on failure.
     */
    static int detach(List<String> args, String slug, Console console, Map<String, String> extraEnv) {
        return detach(args, slug, console, extraEnv, (ready, log) -> "bottle " + ready + " runs in the background"
                + " (gateway log: " + log + "); `bottle exec " + ready + " -- CMD`, `bottle stop " + ready + "`, `bottle rm "
                + ready + "`");
    }

    /**
     * As {@link #detach(List, String, Console, Map)}, announcing the background process with {@code announce}
     * (given what it reported ready and its log file).
     */
    static int detach(List<String> args, String slug, Console console, Map<String, String> extraEnv,
                      java.util.function.BiFunction<String, Path, String> announce) {
        String java = ProcessHandle.current().info().command().orElse("java");
        // The marker comes first: the kernel shows only the first 4 KiB of a command line, and stopHolder looks for it.
        List<String> argv = new ArrayList<>(List.of(java, HOLDER_MARKER + slug));
        // the JVM options this process was started with (BOT_BOTTLE_JAVA_OPTS: a trust store, a proxy, memory)
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith(HOLDER_MARKER)).forEach(argv::add);
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        argv.addAll(args);
        argv.add(HOLD_OPTION);
        try {
            Path log = Files.createTempFile("bottle-" + slug + "-", ".log");
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().clear();
            pb.environment().putAll(console.env());
            pb.environment().putAll(extraEnv);
            Process child = pb.start();
            String line = firstLine(child.getInputStream());
            if (line != null && line.startsWith(READY)) {
                String ready = line.substring(READY.length()).strip();
                console.out().println(ready);
                console.err().println(announce.apply(ready, log));
                return 0;
            }
            child.waitFor(30, TimeUnit.SECONDS);
            String output = Files.readString(log, StandardCharsets.UTF_8).strip();
            console.err().println(output.isEmpty() ? "bottle: the background launch failed (log: " + log + ")" : output);
            return child.isAlive() ? 1 : Math.max(child.exitValue(), 1);
        } catch (IOException e) {
            throw new BottleException("could not start the background bottle process: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static String firstLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            b.append((char) c);
        }
        return c == -1 && b.length() == 0 ? null : b.toString();
    }

    /**
     * Runs the agent headless, streaming its output, then tears the bottle down (kept and preserved if it failed).
     */
    static int headless(BottleRuntime runtime, RunningBottle bottle, AgentProvider provider, String prompt,
                        boolean hasWorkspace, Console console) {
        int rc = bottle.runAgent(prompt, console.out(), console.err());
        return finish(runtime, bottle, rc, console);
    }

    /** Attaches the agent (or a shell) to this terminal, then tears down (kept if it failed). */
    static int interactive(BottleRuntime runtime, RunningBottle bottle, AgentProvider provider, boolean hasWorkspace,
                           Console console) {
        if (!console.interactive()) {
            throw new BottleException("no terminal to attach the agent to; use --detach (then `bottle exec`) or"
                    + " --headless --prompt TEXT");
        }
        ExecRequest request = ExecRequest.of(provider.interactiveCommand().toArray(String[]::new));
        if (hasWorkspace) {
            request = request.inDirectory(bottle.agentHome() + "/workspace");
        }
        HostCommand command = bottle.attachCommand(request);
        int rc;
        try {
            ProcessBuilder pb = new ProcessBuilder(command.argv()).inheritIO();
            pb.environment().putAll(command.environment());
            rc = pb.start().waitFor();
        } catch (IOException e) {
            throw new BottleException("could not attach to bottle " + bottle.slug() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            rc = 130;
        }
        return finish(runtime, bottle, rc, console);
    }

    private static int finish(BottleRuntime runtime, RunningBottle bottle, int rc, Console console) {
        if (rc == 0) {
            runtime.teardown(bottle.slug());
        } else {
            runtime.stop(bottle.slug());
            console.err().println("the agent exited with " + rc + "; bottle " + bottle.slug()
                    + " is stopped and kept: `bottle resume " + bottle.slug() + "` or `bottle rm " + bottle.slug() + "`");
        }
        return rc;
    }

    /**
     * Stops the process holding a bottle's gateways, if it is another live bottle CLI process, and waits until it
     * has exited so its ports are free for a resume. A holder stopped this way lets go of its bottle (its runtime
     * closes: the bottle is recorded preserved and held by nobody).
     *
     * @return false when the holder had to be killed (it did not let go); true otherwise
     */
    /**
     * Refuses to stop or remove a bottle of a running warm pool one at a time: its holder is the pool's process,
     * which holds the pool's other bottles too.
     */
    static void refusePooled(BottleRuntime runtime, String slug) {
        runtime.state().readMetadata(slug).filter(m -> m.status() == dev.botbottle.core.state.BottleMetadata.Status.POOLED)
                .filter(m -> m.holder().filter(dev.botbottle.core.state.HostSession::running).isPresent())
                .ifPresent(m -> {
                    throw new BottleException("bottle " + slug + " belongs to the warm pool of " + m.agent()
                            + " (process " + m.hostPid() + "); `bottle pool stop " + m.agent() + "` removes the pool's"
                            + " bottles, `bottle launch " + m.agent() + "` claims one");
                });
    }

    static boolean stopHolder(long pid) {
        if (pid <= 0 || pid == ProcessHandle.current().pid()) {
            return true;
        }
        Optional<ProcessHandle> holder = ProcessHandle.of(pid)
                .filter(p -> p.info().commandLine().orElse("").contains(HOLDER_MARKER));
        if (holder.isEmpty()) {
            return true;
        }
        ProcessHandle p = holder.get();
        p.destroy();
        try {
            p.onExit().get(30, TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            p.destroyForcibly();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true; // the process is gone either way
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
