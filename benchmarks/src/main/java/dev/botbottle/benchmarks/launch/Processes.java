package dev.botbottle.benchmarks.launch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the measured child processes, timestamping each line of their standard error as it arrives. */
final class Processes {

    private Processes() {
    }

    /** A finished child: exit code, standard output, and each stderr line with when it arrived. */
    record Run(int exitCode, long startNanos, long endNanos, String stdout, List<String> errLines, List<Long> errTimes) {
        double wallMillis() {
            return (endNanos - startNanos) / 1e6;
        }
    }

    static Run run(List<String> argv, Path dir, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
        pb.environment().putAll(env);
        List<String> lines = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        long start = System.nanoTime();
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            StringBuilder out = new StringBuilder();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        synchronized (out) {
                            out.append(l).append('\n');
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            reader.start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    times.add(System.nanoTime());
                    lines.add(l);
                }
            }
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + argv);
            }
            long end = System.nanoTime();
            reader.join();
            synchronized (out) {
                return new Run(p.exitValue(), start, end, out.toString(), lines, times);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + argv + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** @return the first line of a file, or a note */
    static String firstLine(Path file) {
        try {
            return Files.readAllLines(file).stream().findFirst().orElse("");
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }
}
