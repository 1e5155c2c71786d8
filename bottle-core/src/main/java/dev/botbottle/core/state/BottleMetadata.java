package dev.botbottle.core.state;

import dev.botbottle.spi.HostReach;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What is recorded about a bottle so another process can find, resume or remove it.
 *
 * @param slug the bottle
 * @param agent the agent's name
 * @param bottle the bottle's name
 * @param backend the backend it runs on ({@code resume} uses this one, whatever the defaults say)
 * @param createdAt when it was launched
 * @param status where the bottle is in its lifecycle, as recorded by the last runtime that changed it
 * @param gatewayPorts the port each gateway service listened on, by service name (reused on resume)
 * @param bottleEnv the non-secret environment every exec gets (gateway variables, provider settings)
 * @param holder the process that holds the bottle's gateways (launching, or running them); empty when none does.
 *               A bottle whose holder died without letting go, and that is not preserved, is removed by the next
 *               runtime that starts (and by the holder's watchdog)
 * @param reach where the bottle reaches the host; {@code null} until the backend prepared it
 * @since 0.1
 */
public record BottleMetadata(String slug, String agent, String bottle, String backend, Instant createdAt, Status status,
                             Map<String, Integer> gatewayPorts, Map<String, String> bottleEnv,
                             Optional<HostSession> holder, HostReach reach) {
    public BottleMetadata {
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(bottle, "bottle");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(status, "status");
        gatewayPorts = Map.copyOf(gatewayPorts);
        bottleEnv = Map.copyOf(bottleEnv);
        holder = holder == null ? Optional.empty() : holder; // metadata written before 0.2 has none
    }

    /** Where a bottle is in its lifecycle; written in {@code metadata.json} as its {@link #label()}. */
    public enum Status {
        /** its state directory exists; the backend is creating it (a crash here leaves an orphan) */
        CREATING,
        /** created, started and provisioned */
        RUNNING,
        /** stopped and kept for {@code resume} */
        STOPPED,
        /**
         * created and provisioned ahead in a warm pool, holding nothing of a task (no routes, credentials, prompt or
         * workspace) until a launch claims it; torn down with its pool
         *
         * @since 0.3
         */
        POOLED;

        /** @return the lower-case name, as written in {@code metadata.json} and shown by {@code ps} */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public String toString() {
            return label();
        }
    }

    /** @return the holder's process id, or 0 when no process holds the bottle */
    public long hostPid() {
        return holder.map(HostSession::pid).orElse(0L);
    }

    /** @param newStatus the status @return a copy with that status */
    public BottleMetadata withStatus(Status newStatus) {
        return new BottleMetadata(slug, agent, bottle, backend, createdAt, newStatus, gatewayPorts, bottleEnv, holder,
                reach);
    }

    /** @param where where the bottle reaches the host @return a copy with that reach */
    public BottleMetadata withReach(HostReach where) {
        return new BottleMetadata(slug, agent, bottle, backend, createdAt, status, gatewayPorts, bottleEnv, holder,
                where);
    }

    /**
     * @param session the process holding the gateways now, or empty when none does
     * @return a copy with that holder
     * @since 0.2
     */
    public BottleMetadata withHolder(Optional<HostSession> session) {
        return new BottleMetadata(slug, agent, bottle, backend, createdAt, status, gatewayPorts, bottleEnv, session,
                reach);
    }

    /** @param ports gateway ports @param env bottle env @param session holder @return a copy with those */
    public BottleMetadata withGateways(Map<String, Integer> ports, Map<String, String> env, HostSession session) {
        return new BottleMetadata(slug, agent, bottle, backend, createdAt, status, ports, env, Optional.of(session),
                reach);
    }
}
