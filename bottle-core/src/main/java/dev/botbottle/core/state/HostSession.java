package dev.botbottle.core.state;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A host process that holds bottles: its process id and start time. Together they name one process even after its
 * id is reused by another, so a bottle whose holder died is told apart from one whose holder lives.
 *
 * <p>Written into a bottle's metadata (the current holder of its gateways) and onto its engine objects (the session
 * that created them, {@link dev.botbottle.spi.BottleSpec#SESSION_LABEL}) as {@link #label()}.
 *
 * @param pid the process id
 * @param startedAt when the process started (millisecond precision), if the operating system says
 * @since 0.2
 */
public record HostSession(long pid, Optional<Instant> startedAt) {

    public HostSession {
        Objects.requireNonNull(startedAt, "startedAt");
        if (pid <= 0) {
            throw new IllegalArgumentException("a process id is positive, not " + pid);
        }
        startedAt = startedAt.map(t -> Instant.ofEpochMilli(t.toEpochMilli()));
    }

    /** @return this process */
    public static HostSession current() {
        return of(ProcessHandle.current());
    }

    /**
     * @param process a live process
     * @return its session
     */
    public static HostSession of(ProcessHandle process) {
        return new HostSession(process.pid(), process.info().startInstant());
    }

    /**
     * @param label what {@link #label()} wrote: {@code <pid>@<epoch millis>}, or {@code <pid>} when the start time was
     *              not known
     * @return the session, or empty when the text is not such a label
     */
    public static Optional<HostSession> parse(String label) {
        if (label == null) {
            return Optional.empty();
        }
        String[] parts = label.strip().split("@", -1);
        try {
            long pid = Long.parseLong(parts[0]);
            if (pid <= 0 || parts.length > 2) {
                return Optional.empty();
            }
            Optional<Instant> start = parts.length == 2 ? Optional.of(Instant.ofEpochMilli(Long.parseLong(parts[1])))
                    : Optional.empty();
            return Optional.of(new HostSession(pid, start));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** @return {@code <pid>@<epoch millis>}, or {@code <pid>} when the start time is not known */
    public String label() {
        return startedAt.map(t -> pid + "@" + t.toEpochMilli()).orElse(Long.toString(pid));
    }

    /**
     * @return whether this very process still runs: a process with the id exists and, when both start times are
     *         known, started at the same millisecond (a reused id belongs to another process)
     */
    public boolean running() {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return false;
        }
        Optional<Instant> actual = process.get().info().startInstant();
        return startedAt.isEmpty() || actual.isEmpty() || actual.get().toEpochMilli() == startedAt.get().toEpochMilli();
    }

    /** @return whether this is the calling process */
    public boolean thisProcess() {
        return pid == ProcessHandle.current().pid() && equals(current());
    }

    @Override
    public String toString() {
        return "process " + label();
    }
}
