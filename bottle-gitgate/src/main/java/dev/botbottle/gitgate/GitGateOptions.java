package dev.botbottle.gitgate;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Tuning of the git gate that is not part of a bottle's plan.
 *
 * @param mirrorRoot where the host keeps the mirrors bottles share; empty means {@code <home>/git-mirrors} (the
 *                   bot-bottle home being the parent of the state directory's {@code state/} folder)
 * @param upstreamTimeoutSeconds connect and read time-out towards upstream
 * @param threads request threads per gate (each fetch or push holds one while it runs)
 * @since 0.1
 */
public record GitGateOptions(Optional<Path> mirrorRoot, int upstreamTimeoutSeconds, int threads) {

    public GitGateOptions {
        if (upstreamTimeoutSeconds < 1) {
            throw new IllegalArgumentException("upstreamTimeoutSeconds must be at least 1, was " + upstreamTimeoutSeconds);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
    }

    /** @return mirrors under the bot-bottle home, a 60 s upstream time-out, 4 threads */
    public static GitGateOptions defaults() {
        return new GitGateOptions(Optional.empty(), 60, 4);
    }

    /** @param root where mirrors live @return a copy using that folder */
    public GitGateOptions withMirrorRoot(Path root) {
        return new GitGateOptions(Optional.of(root), upstreamTimeoutSeconds, threads);
    }

    /** @param seconds the upstream time-out @return a copy using it */
    public GitGateOptions withUpstreamTimeoutSeconds(int seconds) {
        return new GitGateOptions(mirrorRoot, seconds, threads);
    }

    /** @param stateDir a bottle's state directory @return the mirror folder for it */
    Path mirrorRootFor(Path stateDir) {
        Path abs = stateDir.toAbsolutePath();
        Path home = abs.getParent() != null && abs.getParent().getParent() != null ? abs.getParent().getParent() : abs;
        return mirrorRoot.orElse(home.resolve("git-mirrors"));
    }
}
