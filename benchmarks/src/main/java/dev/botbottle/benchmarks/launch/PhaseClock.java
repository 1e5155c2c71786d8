package dev.botbottle.benchmarks.launch;

import dev.botbottle.spi.ProgressListener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times the phases of one launch from the runtime's progress events as a user sees them: each phase runs from the
 * first event of its stage to the first event of the next phase, the last one until the launch returned.
 * Stages map onto phases: {@code network}, {@code gateway} (gateways), {@code bottle}/{@code container}/{@code image}
 * (container), {@code provision}; what comes before the first event is {@code prepare}.
 */
final class PhaseClock implements ProgressListener {

    /** The phases, in launch order. */
    static final List<String> PHASES = List.of("prepare", "network", "gateways", "container", "provision");

    private final List<String> phases = new ArrayList<>();
    private final List<Long> at = new ArrayList<>();
    private long start;

    /** Starts timing a launch. */
    synchronized void start() {
        phases.clear();
        at.clear();
        start = System.nanoTime();
    }

    @Override
    public synchronized void onProgress(String stage, String message) {
        record(phaseOf(stage), System.nanoTime());
    }

    synchronized void record(String phase, long nanos) {
        if (phase == null) {
            return;
        }
        if (phases.isEmpty() || !phases.get(phases.size() - 1).equals(phase)) {
            phases.add(phase);
            at.add(nanos);
        }
    }

    /** @return the phase a progress stage belongs to, or null for stages that do not delimit one */
    static String phaseOf(String stage) {
        switch (stage) {
            case "network":
                return "network";
            case "gateway":
                return "gateways";
            case "bottle":
            case "container":
            case "image":
                return "container";
            case "provision":
                return "provision";
            default:
                return null;
        }
    }

    /**
     * @param end when the launch returned ({@link System#nanoTime()})
     * @return milliseconds per phase, in order (a phase seen twice is summed)
     */
    synchronized Map<String, Double> phases(long end) {
        return phases(start, phases, at, end);
    }

    static Map<String, Double> phases(long start, List<String> names, List<Long> times, long end) {
        Map<String, Double> out = new LinkedHashMap<>();
        long previous = start;
        String current = "prepare";
        for (int i = 0; i < names.size(); i++) {
            out.merge(current, (times.get(i) - previous) / 1e6, Double::sum);
            current = names.get(i);
            previous = times.get(i);
        }
        out.merge(current, (end - previous) / 1e6, Double::sum);
        return out;
    }
}
