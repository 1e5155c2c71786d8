package dev.botbottle.gitgate.internal;

import dev.botbottle.spi.GitPushPolicy;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.transport.ReceiveCommand;

import java.util.List;
import java.util.Optional;

/** The push policy of one remote, applied to each pushed ref before anything goes upstream. */
public final class PushRules {

    private final GitPushPolicy policy;

    /** @param policy the remote's policy */
    public PushRules(GitPushPolicy policy) {
        this.policy = policy;
    }

    /**
     * @param cmd one ref update of a push
     * @param defaultBranch the upstream's default branch ({@code refs/heads/...}), when known
     * @return why the update is refused, or empty when the policy allows it
     */
    public Optional<String> check(ReceiveCommand cmd, Optional<String> defaultBranch) {
        String ref = cmd.getRefName();
        if (ref.startsWith(Constants.R_TAGS)) {
            if (!policy.allowedBranches().isEmpty()) {
                return Optional.of("push policy: tags cannot be pushed to this remote (allowed_branches is "
                        + policy.allowedBranches() + ")" + commit(cmd));
            }
            return Optional.empty();
        }
        if (!ref.startsWith(Constants.R_HEADS)) {
            return Optional.of("push policy: only branches (refs/heads/) and tags can be pushed, not " + ref);
        }
        String branch = ref.substring(Constants.R_HEADS.length());
        if (!policy.allowedBranches().isEmpty()
                && policy.allowedBranches().stream().noneMatch(p -> GitPushPolicy.matches(branch, p))) {
            return Optional.of("push policy: branch " + branch + " is outside the allowed branches "
                    + String.join(", ", policy.allowedBranches()) + commit(cmd));
        }
        if (isProtected(branch, defaultBranch)) {
            if (cmd.getType() == ReceiveCommand.Type.DELETE) {
                return Optional.of("push policy: " + branch + " is a protected branch: deleting it is refused");
            }
            if (cmd.getType() == ReceiveCommand.Type.UPDATE_NONFASTFORWARD) {
                return Optional.of("push policy: " + branch + " is a protected branch: a force push (non-fast-forward"
                        + " from " + cmd.getOldId().abbreviate(7).name() + " to " + cmd.getNewId().abbreviate(7).name()
                        + ") is refused");
            }
        }
        return Optional.empty();
    }

    private static String commit(ReceiveCommand cmd) {
        return cmd.getType() == ReceiveCommand.Type.DELETE ? "" : " (commit " + cmd.getNewId().abbreviate(7).name() + ")";
    }

    /** @return the patterns protecting branches: the manifest's, or the upstream's default branch */
    public List<String> protectedPatterns(Optional<String> defaultBranch) {
        if (!policy.protectedBranches().isEmpty()) {
            return policy.protectedBranches();
        }
        return defaultBranch.map(b -> List.of(b.substring(Constants.R_HEADS.length())))
                // an empty upstream names no default branch yet: protect the usual names
                .orElse(List.of("main", "master"));
    }

    private boolean isProtected(String branch, Optional<String> defaultBranch) {
        return protectedPatterns(defaultBranch).stream().anyMatch(p -> GitPushPolicy.matches(branch, p));
    }

    /** @return the largest pack a push may send, 0 for no limit */
    public long maxPushBytes() {
        return policy.maxPushBytes();
    }
}
