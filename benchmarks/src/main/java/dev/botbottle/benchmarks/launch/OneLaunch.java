package dev.botbottle.benchmarks.launch;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The embedded library in a cold JVM: this process launches one bottle, runs {@code true}, removes it and exits,
 * printing one {@code RESULT} line (milliseconds) for {@link LaunchBenchmark}: {@code jvm} is from the JVM's start to
 * {@code main}, then launch-to-ready, exec, teardown and each launch phase.
 */
public final class OneLaunch {

    private OneLaunch() {
    }

    /** @param args the bot-bottle home and the agent */
    public static void main(String[] args) {
        long jvm = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        Embedded.Result r;
        try (Embedded embedded = new Embedded(Path.of(args[0]))) {
            r = embedded.once(args[1]);
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "RESULT jvm=%d launch=%.1f exec=%.1f teardown=%.1f",
                jvm, r.launch(), r.exec(), r.teardown()));
        r.phases().forEach((k, v) -> line.append(String.format(Locale.ROOT, " phase.%s=%.1f", k, v)));
        System.out.println(line);
        System.exit(0); // the runtime's daemon threads must not keep the measured process alive
    }
}
