package dev.botbottle.spi;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the git gate lets a bottle push to one remote, besides the secret scan every push gets.
 *
 * <p>Branch patterns are branch names without {@code refs/heads/}, where {@code *} matches within one path segment
 * and {@code **} across segments ({@code agent/*} matches {@code agent/fix-1}, not {@code agent/a/b}).
 *
 * @param protectedBranches branches that refuse force pushes and deletion; empty means the upstream's default
 *                          branch (the branch its {@code HEAD} names)
 * @param allowedBranches branches the bottle may push at all; empty means every branch
 * @param maxPushBytes the largest pack one push may send, in bytes; 0 means no limit
 * @since 0.1
 */
public record GitPushPolicy(List<String> protectedBranches, List<String> allowedBranches, long maxPushBytes) {

    /** No extra limits: the default branch is protected, every branch may be pushed, no size limit. */
    public static final GitPushPolicy DEFAULTS = new GitPushPolicy(List.of(), List.of(), 0);

    /** What a branch pattern may contain: the characters of ref names git accepts, and {@code *}. */
    public static final Pattern BRANCH_PATTERN = Pattern.compile("^[A-Za-z0-9._*/-]+$");

    public GitPushPolicy {
        protectedBranches = List.copyOf(protectedBranches);
        allowedBranches = List.copyOf(allowedBranches);
        for (String p : protectedBranches) {
            check(p);
        }
        for (String p : allowedBranches) {
            check(p);
        }
        if (maxPushBytes < 0) {
            throw new IllegalArgumentException("maxPushBytes must be 0 (no limit) or positive, was " + maxPushBytes);
        }
    }

    private static void check(String pattern) {
        Objects.requireNonNull(pattern, "branch pattern");
        if (!BRANCH_PATTERN.matcher(pattern).matches() || pattern.startsWith("/") || pattern.endsWith("/")
                || pattern.contains("//") || pattern.contains("..")) {
            throw new IllegalArgumentException("'" + pattern + "' is not a branch pattern (a branch name such as"
                    + " main or agent/*, without refs/heads/)");
        }
    }

    /**
     * @param branch a branch name without {@code refs/heads/}
     * @param pattern a branch pattern
     * @return whether the pattern matches the whole name
     */
    public static boolean matches(String branch, String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.matches(regex.toString(), branch);
    }

    /** @param patterns protected branches @return a copy with those */
    public GitPushPolicy withProtectedBranches(List<String> patterns) {
        return new GitPushPolicy(patterns, allowedBranches, maxPushBytes);
    }

    /** @param patterns allowed branches @return a copy with those */
    public GitPushPolicy withAllowedBranches(List<String> patterns) {
        return new GitPushPolicy(protectedBranches, patterns, maxPushBytes);
    }

    /** @param bytes the push size limit, 0 for none @return a copy with that limit */
    public GitPushPolicy withMaxPushBytes(long bytes) {
        return new GitPushPolicy(protectedBranches, allowedBranches, bytes);
    }
}
