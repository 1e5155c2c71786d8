package dev.botbottle.spi;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A command to run inside a bottle.
 *
 * @param argv the program and its arguments; never a shell string (use {@code sh -c} explicitly if needed)
 * @param env extra environment for this command; may hold secret values, which backends hand over without
 *            writing them to disk or to a command line
 * @param workdir the working directory; empty means the user's home
 * @param user the user to run as; empty means the bottle's agent user
 * @param stdin bytes written to the command's standard input, then closed; empty means no input
 * @param timeout how long to wait before the command is killed and the exec fails
 * @since 0.1
 */
public record ExecRequest(List<String> argv, Map<String, String> env, Optional<String> workdir, Optional<String> user,
                          Optional<byte[]> stdin, Duration timeout) {

    /** The timeout of {@link #of(String...)}: ten minutes. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    public ExecRequest {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        Objects.requireNonNull(workdir, "workdir");
        Objects.requireNonNull(user, "user");
        stdin = Objects.requireNonNull(stdin, "stdin").map(byte[]::clone);
        Objects.requireNonNull(timeout, "timeout");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv must not be empty");
        }
    }

    /**
     * @param argv program and arguments
     * @return a request run as the agent user in its home, with no input and the default timeout
     */
    public static ExecRequest of(String... argv) {
        return new ExecRequest(List.of(argv), Map.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                DEFAULT_TIMEOUT);
    }

    /** @param user the user to run as @return a copy running as {@code user} */
    public ExecRequest asUser(String user) {
        return new ExecRequest(argv, env, workdir, Optional.of(user), stdin, timeout);
    }

    /** @param extra environment to add @return a copy with {@code extra} added (extra wins) */
    public ExecRequest withEnv(Map<String, String> extra) {
        var merged = new java.util.HashMap<>(env);
        merged.putAll(extra);
        return new ExecRequest(argv, merged, workdir, user, stdin, timeout);
    }

    /** @param dir the working directory @return a copy running in {@code dir} */
    public ExecRequest inDirectory(String dir) {
        return new ExecRequest(argv, env, Optional.of(dir), user, stdin, timeout);
    }

    /** @param input bytes for standard input @return a copy with that input */
    public ExecRequest withStdin(byte[] input) {
        return new ExecRequest(argv, env, workdir, user, Optional.of(input), timeout);
    }

    /** @return a copy of the input bytes, if any */
    @Override
    public Optional<byte[]> stdin() {
        return stdin.map(byte[]::clone);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExecRequest r && argv.equals(r.argv) && env.equals(r.env) && workdir.equals(r.workdir)
                && user.equals(r.user) && timeout.equals(r.timeout) && stdin.isPresent() == r.stdin.isPresent()
                && (stdin.isEmpty() || java.util.Arrays.equals(stdin.get(), r.stdin.get()));
    }

    @Override
    public int hashCode() {
        return Objects.hash(argv, env, workdir, user, timeout) * 31 + stdin.map(java.util.Arrays::hashCode).orElse(0);
    }

    /** @param limit the new timeout @return a copy with that timeout */
    public ExecRequest withTimeout(Duration limit) {
        return new ExecRequest(argv, env, workdir, user, stdin, limit);
    }

    /** @return the argv and options, with env values masked */
    @Override
    public String toString() {
        return "ExecRequest[argv=" + argv + ", env=" + env.keySet() + ", workdir=" + workdir + ", user=" + user
                + ", timeout=" + timeout + "]";
    }
}
