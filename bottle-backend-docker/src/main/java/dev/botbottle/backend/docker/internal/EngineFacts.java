package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.support.AgentUser;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What a JVM learns about its Docker engine and host once and need not ask again: whether the engine has gVisor, that
 * host firewall rules can be installed, and the users of each image (by image id: an id names one immutable file
 * system, so its {@code /etc/passwd} cannot change). Shared by every backend one provider makes; each answer costs a
 * process round trip the first time only. A failed firewall check is not remembered: it may pass once the cause is
 * fixed.
 */
public final class EngineFacts {

    private volatile Boolean runsc;
    private volatile boolean firewallUsable;
    private final Map<String, Map<String, AgentUser>> usersByImage = new ConcurrentHashMap<>();

    /** @param probe asks the engine (once) @return whether it offers the {@code runsc} runtime */
    boolean runsc(Supplier<Boolean> probe) {
        Boolean known = runsc;
        if (known == null) {
            known = probe.get();
            runsc = known;
        }
        return known;
    }

    /** @return whether the engine offers {@code runsc}, when known already (nothing is asked) */
    Optional<Boolean> knownRunsc() {
        return Optional.ofNullable(runsc);
    }

    /** Remembers what another check (e.g. the provider's availability probe) learned of the engine's runtimes. */
    public void learnRunsc(boolean offered) {
        runsc = offered;
    }

    /**
     * @param probe checks the host firewall
     * @return why host firewall rules cannot be installed, or empty; a success is remembered
     */
    Optional<String> firewallProblem(Supplier<Optional<String>> probe) {
        if (firewallUsable) {
            return Optional.empty();
        }
        Optional<String> problem = probe.get();
        firewallUsable = problem.isEmpty();
        return problem;
    }

    /** @return the users of an image seen before */
    Optional<Map<String, AgentUser>> users(String imageId) {
        return Optional.ofNullable(usersByImage.get(imageId));
    }

    /** Remembers the users read from a fresh container of an image. */
    void users(String imageId, Map<String, AgentUser> users) {
        if (!imageId.isBlank()) {
            usersByImage.put(imageId, Map.copyOf(users));
        }
    }
}
