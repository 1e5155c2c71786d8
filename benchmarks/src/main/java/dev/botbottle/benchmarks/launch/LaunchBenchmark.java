package dev.botbottle.benchmarks.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Launch speed as a user meets it, side by side in one run: the raw docker commands a bottle needs (a shell script),
 * the library embedded in a warm JVM and in a cold one, and the {@code bottle} CLI, each run {@code runs} times in
 * turn (round robin, so a change in the shared machine's load hits all alike), reporting medians and ratios of
 * launch-to-ready, exec and teardown, and the time of each launch phase. Further sections: {@code pool} (claim-to-ready
 * from a warm pool, {@link PoolSection}) and {@code scale} (bottles launched at once under one JVM, {@link ScaleSection}).
 *
 * <p>Arguments ({@code key=value}): {@code runs} (default 5), {@code warmup} (warm-JVM launches not counted, default
 * 2), {@code sections} (comma-separated, default {@code raw,warm,cold,cli,pool,scale}), {@code scale} (bottle counts,
 * default {@code 1,5,20}), {@code agent} (default {@code demo}), {@code repo} (the checkout, default the working
 * directory), {@code cp} (the class path for the cold JVM, default this JVM's). Needs the Docker engine, root (the
 * host firewall) and a built CLI ({@code ./bottle}). Not run by CI; timing is never asserted.
 */
public final class LaunchBenchmark {

    private LaunchBenchmark() {
    }

    /**
     * @param args {@code key=value} settings, see the class comment
     * @throws Exception when a section cannot run
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("runs", "5", "warmup", "2",
                "sections", "raw,warm,cold,cli,pool,scale", "scale", "1,5,20", "agent", "demo",
                "repo", Path.of("").toAbsolutePath().toString(),
                "cp", System.getProperty("java.class.path")));
        Arrays.stream(args).map(a -> a.split("=", 2)).forEach(kv -> opt.put(kv[0], kv[1]));
        int runs = Integer.parseInt(opt.get("runs"));
        List<String> sections = List.of(opt.get("sections").split(","));
        Path repo = Path.of(opt.get("repo"));
        String agent = opt.get("agent");
        Report report = new Report();
        report.line("# launch benchmark " + java.time.Instant.now());
        report.line("machine: " + Runtime.getRuntime().availableProcessors() + " cores, load " + load()
                + ", other containers running: " + otherContainers());
        report.line("java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + "; args: " + String.join(" ", args));

        Map<String, Samples> launch = new LinkedHashMap<>();
        Map<String, Samples> exec = new LinkedHashMap<>();
        Map<String, Samples> teardown = new LinkedHashMap<>();
        Map<String, Samples> total = new LinkedHashMap<>();
        Map<String, Map<String, Samples>> phases = new LinkedHashMap<>();
        for (String s : List.of("raw", "warm", "cold", "cli")) {
            if (sections.contains(s)) {
                launch.put(s, new Samples());
                exec.put(s, new Samples());
                teardown.put(s, new Samples());
                total.put(s, new Samples());
                phases.put(s, new LinkedHashMap<>());
            }
        }
        Path home = copyHome(repo);
        String loadBefore = load();
        Embedded warm = null;
        if (sections.contains("warm")) {
            warm = new Embedded(home);
            for (int i = 0; i < Integer.parseInt(opt.get("warmup")); i++) {
                warm.once(agent);
            }
        }
        try {
            for (int i = 0; i < runs; i++) {
                if (sections.contains("raw")) {
                    raw(repo, i, launch.get("raw"), exec.get("raw"), teardown.get("raw"), total.get("raw"));
                }
                if (warm != null) {
                    long t0 = System.nanoTime();
                    Embedded.Result r = warm.once(agent);
                    total.get("warm").addNanos(System.nanoTime() - t0);
                    launch.get("warm").add(r.launch());
                    exec.get("warm").add(r.exec());
                    teardown.get("warm").add(r.teardown());
                    r.phases().forEach((k, v) -> phases.get("warm").computeIfAbsent(k, x -> new Samples()).add(v));
                }
                if (sections.contains("cold")) {
                    cold(opt.get("cp"), repo, home, agent, launch.get("cold"), exec.get("cold"), teardown.get("cold"),
                            total.get("cold"), phases.get("cold"));
                }
                if (sections.contains("cli")) {
                    cli(repo, home, agent, launch.get("cli"), total.get("cli"), phases.get("cli"));
                }
            }
        } finally {
            if (warm != null) {
                warm.close();
            }
        }
        if (!launch.isEmpty()) {
            report.line("");
            report.line("## launch, exec, teardown (median of " + runs + "; load before " + loadBefore + ", after "
                    + load() + ")");
            report.line(String.format(Locale.ROOT, "%-22s %-26s %-22s %-22s %-24s %s", "", "launch-to-ready", "exec",
                    "teardown", "whole (process)", "ratios to raw (launch / whole)"));
            double rawLaunch = launch.containsKey("raw") ? launch.get("raw").median() : Double.NaN;
            double rawTotal = total.containsKey("raw") ? total.get("raw").median() : Double.NaN;
            for (String s : launch.keySet()) {
                report.line(String.format(Locale.ROOT, "%-22s %-26s %-22s %-22s %-24s %s / %s", name(s),
                        launch.get(s).describe(), exec.get(s).describe(), teardown.get(s).describe(),
                        total.get(s).describe(), Samples.ratio(launch.get(s).median(), rawLaunch),
                        Samples.ratio(total.get(s).median(), rawTotal)));
            }
            report.line("");
            report.line("## launch phases (median ms)");
            report.line(String.format(Locale.ROOT, "%-22s %s", "", String.join("  ", PhaseClock.PHASES) + "  (then)"));
            for (var e : phases.entrySet()) {
                StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-22s", name(e.getKey())));
                for (String p : PhaseClock.PHASES) {
                    Samples ps = e.getValue().get(p);
                    b.append(String.format(Locale.ROOT, " %s=%s", p, ps == null ? "-" : Samples.ms(ps.median())));
                }
                Samples after = e.getValue().get("after");
                if (after != null) {
                    b.append("  run+teardown=").append(Samples.ms(after.median()));
                }
                report.line(b.toString());
            }
        }
        if (sections.contains("pool")) {
            new PoolSection(repo, home, agent, runs, report).run(total.containsKey("raw") ? total.get("raw").median()
                    : Double.NaN, total.containsKey("cli") ? total.get("cli").median() : Double.NaN);
        }
        if (sections.contains("scale")) {
            List<Integer> counts = Arrays.stream(opt.get("scale").split(",")).map(Integer::parseInt).toList();
            new ScaleSection(home, counts, report).run();
        }
        report.line("");
        report.line("load at the end: " + load());
        Path out = repo.resolve("benchmarks/target/launch-report.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.text());
        System.out.println("report written to " + out);
        System.exit(0);
    }

    private static String name(String section) {
        switch (section) {
            case "raw":
                return "raw docker script";
            case "warm":
                return "embedded, warm JVM";
            case "cold":
                return "embedded, cold JVM";
            case "cli":
                return "CLI (bottle launch)";
            default:
                return section;
        }
    }

    private static final Pattern RAW = Pattern.compile("launch=(\\d+) exec=(\\d+) teardown=(\\d+)");
    private static final Pattern KV = Pattern.compile("(\\S+)=([0-9.]+)");

    private static void raw(Path repo, int i, Samples launch, Samples exec, Samples teardown, Samples total) {
        Processes.Run run = Processes.run(List.of("sh", repo.resolve("benchmarks/raw-docker.sh").toString(),
                "bot-bottle/base:bookworm", "bb-bench-raw-" + ProcessHandle.current().pid() + "-" + i), repo, Map.of());
        Matcher m = RAW.matcher(run.stdout());
        if (run.exitCode() != 0 || !m.find()) {
            throw new IllegalStateException("raw script failed: " + run.stdout() + String.join("\n", run.errLines()));
        }
        launch.add(Double.parseDouble(m.group(1)));
        exec.add(Double.parseDouble(m.group(2)));
        teardown.add(Double.parseDouble(m.group(3)));
        total.add(run.wallMillis());
    }

    private static void cold(String cp, Path repo, Path home, String agent, Samples launch, Samples exec,
                             Samples teardown, Samples total, Map<String, Samples> phases) {
        String java = ProcessHandle.current().info().command().orElse("java");
        Processes.Run run = Processes.run(List.of(java, "-cp", cp, OneLaunch.class.getName(), home.toString(), agent),
                repo, Map.of());
        if (run.exitCode() != 0 || !run.stdout().contains("RESULT")) {
            throw new IllegalStateException("the cold-JVM launch failed: " + run.stdout()
                    + String.join("\n", run.errLines()));
        }
        String result = run.stdout().substring(run.stdout().indexOf("RESULT"));
        Matcher m = KV.matcher(result);
        while (m.find()) {
            double v = Double.parseDouble(m.group(2));
            switch (m.group(1)) {
                case "launch" -> launch.add(v);
                case "exec" -> exec.add(v);
                case "teardown" -> teardown.add(v);
                case "jvm" -> phases.computeIfAbsent("jvm-start", x -> new Samples()).add(v);
                default -> {
                    if (m.group(1).startsWith("phase.")) {
                        phases.computeIfAbsent(m.group(1).substring(6), x -> new Samples()).add(v);
                    }
                }
            }
        }
        total.add(run.wallMillis());
    }

    /** The CLI's headless launch of {@code true}: whole process, and phases from its progress lines as they arrive. */
    private static void cli(Path repo, Path home, String agent, Samples launch, Samples total,
                            Map<String, Samples> phases) {
        Processes.Run run = Processes.run(List.of(repo.resolve("bottle").toString(), "--home", home.toString(),
                "launch", agent, "--headless", "--prompt", "true"), repo, Map.of());
        if (run.exitCode() != 0) {
            throw new IllegalStateException("the CLI launch failed (exit " + run.exitCode() + "):\n"
                    + String.join("\n", run.errLines()));
        }
        List<String> names = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        long lastProgress = run.startNanos();
        for (int i = 0; i < run.errLines().size(); i++) {
            String l = run.errLines().get(i);
            if (l.startsWith("[")) {
                String phase = PhaseClock.phaseOf(l.substring(1, Math.max(1, l.indexOf(']'))));
                if (phase != null) {
                    if (names.isEmpty() || !names.get(names.size() - 1).equals(phase)) {
                        names.add(phase);
                        times.add(run.errTimes().get(i));
                    }
                    lastProgress = run.errTimes().get(i);
                }
            }
        }
        // the launch is ready about when its last provisioning line is followed by the agent's run; the CLI prints
        // nothing in between, so launch-to-ready is measured up to the last progress line plus its exec
        PhaseClock.phases(run.startNanos(), names, times, lastProgress).forEach((k, v) ->
                phases.computeIfAbsent(k, x -> new Samples()).add(v));
        phases.computeIfAbsent("after", x -> new Samples()).add((run.endNanos() - lastProgress) / 1e6);
        launch.add((lastProgress - run.startNanos()) / 1e6);
        total.add(run.wallMillis());
    }

    /** A private copy of the example manifests, as {@code scripts/demo.sh} makes. */
    static Path copyHome(Path repo) throws IOException {
        Path home = Files.createTempDirectory("bot-bottle-bench-");
        Path source = repo.resolve("examples/manifests/home");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : files.toList()) {
                Path target = home.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return home;
    }

    /** @return the 1, 5 and 15 minute load averages */
    static String load() {
        return Processes.firstLine(Path.of("/proc/loadavg")).replaceAll("^(\\S+ \\S+ \\S+).*", "$1");
    }

    private static String otherContainers() {
        Processes.Run r = Processes.run(List.of("docker", "ps", "-q"), Path.of("."), Map.of());
        return Long.toString(r.stdout().lines().filter(l -> !l.isBlank()).count());
    }

    /** Lines printed as they come and kept for the report file. */
    static final class Report {
        private final StringBuilder text = new StringBuilder();

        synchronized void line(String l) {
            System.out.println(l);
            text.append(l).append('\n');
        }

        synchronized String text() {
            return text.toString();
        }
    }

    /** @return the heap in use after collecting garbage, in bytes */
    static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
