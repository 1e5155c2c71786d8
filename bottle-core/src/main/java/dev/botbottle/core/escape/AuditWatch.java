package dev.botbottle.core.escape;

import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.GatewayAudit;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.GatewayServiceProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The audit trails of one bottle's gateway services, read through the SPI ({@link EgressControl#readAudit()},
 * {@link GatewayAudit#auditEntries()}): marks where each trail stands before an attempt and returns what was written
 * since. The egress gateway may write a line just after it answered (a tunnel's line when it closes), so waiting for
 * one is driven by its {@link EgressControl#followAudit} deliveries, never by sleeping.
 */
final class AuditWatch implements AutoCloseable {

    private final Map<String, Supplier<List<String>>> trails = new LinkedHashMap<>();
    private final Map<String, Integer> marks = new LinkedHashMap<>();
    private final Object arrived = new Object();
    private final List<EgressControl.Subscription> subscriptions = new ArrayList<>();

    AuditWatch(RunningBottle bottle) {
        for (GatewayService g : bottle.gateways()) {
            if (g instanceof EgressControl egress) {
                trails.put(g.name(), () -> egress.readAudit().stream().map(AuditWatch::line).toList());
                subscriptions.add(egress.followAudit(e -> {
                    synchronized (arrived) {
                        arrived.notifyAll();
                    }
                }));
            } else if (g instanceof GatewayAudit audited) {
                trails.put(g.name(), () -> audited.auditEntries().stream().map(e -> e.summary()).toList());
            }
        }
    }

    static String line(EgressAuditEntry e) {
        return e.verdict() + " " + e.status() + " " + e.method() + " " + e.host() + e.path()
                + (e.route().isEmpty() ? "" : " [" + e.route() + "]") + ": " + e.reason();
    }

    /** @return whether the service keeps an audit trail this watch can read */
    boolean audits(String service) {
        return trails.containsKey(service);
    }

    /** Marks where every trail stands now. */
    void mark() {
        trails.forEach((name, trail) -> marks.put(name, trail.get().size()));
    }

    /** @return the lines each service wrote since {@link #mark()} */
    Map<String, List<String>> since() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        trails.forEach((name, trail) -> {
            List<String> all = trail.get();
            int from = Math.min(marks.getOrDefault(name, 0), all.size());
            out.put(name, List.copyOf(all.subList(from, all.size())));
        });
        return out;
    }

    /**
     * Waits until the service wrote, since {@link #mark()}, a line containing {@code text} (case-insensitive; any
     * line when {@code text} is empty), or {@code limit} passed.
     *
     * @return whether such a line is there
     */
    boolean await(String service, String text, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        String needle = text.toLowerCase(Locale.ROOT);
        while (true) {
            synchronized (arrived) {
                List<String> lines = since().getOrDefault(service, List.of());
                if (lines.stream().anyMatch(l -> l.toLowerCase(Locale.ROOT).contains(needle))) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !service.equals(GatewayServiceProvider.EGRESS)) {
                    return false;
                }
                try {
                    arrived.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    @Override
    public void close() {
        subscriptions.forEach(EgressControl.Subscription::close);
    }
}
