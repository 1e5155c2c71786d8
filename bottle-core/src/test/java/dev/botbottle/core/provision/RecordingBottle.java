package dev.botbottle.core.provision;

import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.HostCommand;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** A recording double of a bottle: remembers execs and copies, answers execs from a queue of canned results. */
final class RecordingBottle implements Bottle {
    final List<ExecRequest> execs = new ArrayList<>();
    final List<String> copies = new ArrayList<>();
    final Deque<ExecResult> answers = new ArrayDeque<>();

    void answer(int exit, String stderr) {
        answers.add(new ExecResult(exit, new byte[0], stderr.getBytes(StandardCharsets.UTF_8)));
    }

    String script(int i) {
        return new String(execs.get(i).stdin().orElseThrow(), StandardCharsets.UTF_8);
    }

    @Override
    public String slug() {
        return "rec-1";
    }

    @Override
    public String agentUser() {
        return "agent";
    }

    @Override
    public String agentHome() {
        return "/home/agent";
    }

    @Override
    public ExecResult exec(ExecRequest request) {
        execs.add(request);
        return answers.isEmpty() ? new ExecResult(0, new byte[0], new byte[0]) : answers.poll();
    }

    @Override
    public int stream(ExecRequest request, OutputStream stdout, OutputStream stderr) {
        throw new UnsupportedOperationException();
    }

    @Override
    public HostCommand attachCommand(ExecRequest request) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void copyIn(Path source, String target, FileOwner owner, int mode) {
        copies.add(source + " -> " + target + " " + owner + " " + Integer.toOctalString(mode));
    }

    @Override
    public void copyOut(String source, Path target) {
        throw new UnsupportedOperationException();
    }
}
