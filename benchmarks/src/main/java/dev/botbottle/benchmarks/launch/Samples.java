package dev.botbottle.benchmarks.launch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Durations in milliseconds, with the statistics the report shows. */
final class Samples {

    private final List<Double> values = new ArrayList<>();

    synchronized void add(double millis) {
        values.add(millis);
    }

    synchronized void addNanos(long nanos) {
        values.add(nanos / 1e6);
    }

    synchronized int count() {
        return values.size();
    }

    /** @return the median, NaN when empty */
    double median() {
        return quantile(0.5);
    }

    /** @param q in [0, 1] @return the nearest-rank quantile, NaN when empty */
    synchronized double quantile(double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    synchronized List<Double> all() {
        return List.copyOf(values);
    }

    /** @return "median (min..max, n)" in milliseconds */
    String describe() {
        if (count() == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.0f ms (%.0f..%.0f, n=%d)", median(), quantile(0), quantile(1), count());
    }

    static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f ms", v);
    }

    static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "-" : String.format(Locale.ROOT, "%.2fx", a / b);
    }
}
