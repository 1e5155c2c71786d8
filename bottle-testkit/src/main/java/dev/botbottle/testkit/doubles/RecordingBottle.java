package dev.botbottle.testkit.doubles;

import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.HostCommand;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A test double of a {@link Bottle} that runs nothing: it records every exec and copy, and answers execs from canned
 * results (exit 0 with no output unless told otherwise). For plugin authors who unit-test what their provider asks of
 * a bottle, and for the {@link FakeBackendProvider}'s bottles.
 *
 * <pre>{@code
 * RecordingBottle bottle = RecordingBottle.refusingExecs();     // providers plan steps; they never exec
 * List<ProvisionStep> steps = provider.provisioningSteps(request, bottle);
 * }</pre>
 *
 * <p>Thread-safe.
 *
 * @since 0.2
 */
public class RecordingBottle implements Bottle {

    /** One recorded copy. */
    public record Copy(Kind kind, String source, String target, FileOwner owner, int mode) {
        /** Which copy method was called. */
        public enum Kind { IN, TREE, OUT }
    }

    private record Answer(Predicate<ExecRequest> when, ExecResult result) {
    }

    private final String slug;
    private final String agentUser;
    private final String agentHome;
    private final boolean refuseExecs;
    private final List<ExecRequest> execs = new CopyOnWriteArrayList<>();
    private final List<Copy> copies = new CopyOnWriteArrayList<>();
    private final List<Answer> answers = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** A bottle {@code recording-1} whose agent user is {@code agent}, home {@code /home/agent}. */
    public RecordingBottle() {
        this("recording-1", "agent", "/home/agent");
    }

    /**
     * @param slug the bottle's slug
     * @param agentUser its agent user
     * @param agentHome that user's home
     */
    public RecordingBottle(String slug, String agentUser, String agentHome) {
        this(slug, agentUser, agentHome, false);
    }

    private RecordingBottle(String slug, String agentUser, String agentHome, boolean refuseExecs) {
        this.slug = Objects.requireNonNull(slug, "slug");
        this.agentUser = Objects.requireNonNull(agentUser, "agentUser");
        this.agentHome = Objects.requireNonNull(agentHome, "agentHome");
        this.refuseExecs = refuseExecs;
    }

    /**
     * @return a bottle that fails the test on any exec or copy: an agent provider plans declarative steps and must not
     *         act on the bottle itself ({@code AgentProvider.provisioningSteps})
     */
    public static RecordingBottle refusingExecs() {
        return new RecordingBottle("recording-1", "agent", "/home/agent", true);
    }

    /**
     * @param when which execs get the answer (the first matching answer wins, in the order given)
     * @param result what they get
     * @return this bottle
     */
    public RecordingBottle answer(Predicate<ExecRequest> when, ExecResult result) {
        answers.add(new Answer(when, result));
        return this;
    }

    /**
     * @param argv0 the program
     * @param exitCode its exit code
     * @param stdout its standard output
     * @return this bottle, answering execs of {@code argv0}
     */
    public RecordingBottle answer(String argv0, int exitCode, String stdout) {
        return answer(r -> r.argv().get(0).equals(argv0), new ExecResult(exitCode,
                stdout.getBytes(StandardCharsets.UTF_8), new byte[0]));
    }

    /** @return every exec so far (including streamed ones), in order */
    public List<ExecRequest> execs() {
        return List.copyOf(execs);
    }

    /** @return every copy so far, in order */
    public List<Copy> copies() {
        return List.copyOf(copies);
    }

    /**
     * @param index which exec
     * @return its standard input as text (the provisioning engine sends its batched script there), or empty
     */
    public String stdinText(int index) {
        return execs.get(index).stdin().map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
    }

    /** @return every exec's standard input joined, in order: all that provisioning asked of the bottle */
    public String allStdin() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < execs.size(); i++) {
            b.append(stdinText(i));
        }
        return b.toString();
    }

    /** @return whether {@link #close()} was called */
    public boolean closed() {
        return closed;
    }

    @Override
    public String slug() {
        return slug;
    }

    @Override
    public String agentUser() {
        return agentUser;
    }

    @Override
    public String agentHome() {
        return agentHome;
    }

    @Override
    public ExecResult exec(ExecRequest request) {
        refuse("exec " + request.argv());
        execs.add(request);
        for (Answer a : answers) {
            if (a.when().test(request)) {
                return a.result();
            }
        }
        return new ExecResult(0, new byte[0], new byte[0]);
    }

    @Override
    public int stream(ExecRequest request, OutputStream stdout, OutputStream stderr) {
        ExecResult r = exec(request);
        try {
            stdout.write(r.stdout());
            stderr.write(r.stderr());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return r.exitCode();
    }

    @Override
    public HostCommand attachCommand(ExecRequest request) {
        refuse("attach " + request.argv());
        List<String> argv = new ArrayList<>(List.of("echo", "recording bottle " + slug + ":"));
        argv.addAll(request.argv());
        return new HostCommand(argv, request.env());
    }

    @Override
    public void copyIn(Path source, String target, FileOwner owner, int mode) {
        refuse("copy " + source + " in");
        copies.add(new Copy(Copy.Kind.IN, source.toString(), target, owner, mode));
    }

    @Override
    public void copyTree(Path source, String target, FileOwner owner) {
        refuse("copy the tree " + source + " in");
        copies.add(new Copy(Copy.Kind.TREE, source.toString(), target, owner, -1));
    }

    @Override
    public void copyOut(String source, Path target) {
        refuse("copy " + source + " out");
        copies.add(new Copy(Copy.Kind.OUT, source, target.toString(), FileOwner.AGENT, -1));
    }

    @Override
    public void close() {
        closed = true;
    }

    private void refuse(String what) {
        if (refuseExecs) {
            throw new AssertionError("providers plan declarative steps; they must not " + what
                    + " themselves (RecordingBottle.refusingExecs)");
        }
    }

    /** @return the first recorded exec whose program is {@code argv0} */
    public Optional<ExecRequest> firstExecOf(String argv0) {
        return execs.stream().filter(r -> r.argv().get(0).equals(argv0)).findFirst();
    }

    @Override
    public String toString() {
        return "RecordingBottle[" + slug + ", " + execs.size() + " execs, " + copies.size() + " copies]";
    }
}
