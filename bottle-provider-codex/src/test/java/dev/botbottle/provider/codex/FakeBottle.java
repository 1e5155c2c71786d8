package dev.botbottle.provider.codex;

import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.HostCommand;

import java.io.OutputStream;
import java.nio.file.Path;

/** A bottle double that only answers who the agent is; providers must not exec through it. */
final class FakeBottle implements Bottle {
    @Override
    public String slug() {
        return "dev-abc12";
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
        throw new AssertionError("providers plan steps, they do not exec: " + request);
    }

    @Override
    public int stream(ExecRequest request, OutputStream stdout, OutputStream stderr) {
        throw new AssertionError("providers plan steps, they do not exec: " + request);
    }

    @Override
    public HostCommand attachCommand(ExecRequest request) {
        throw new AssertionError("not used");
    }

    @Override
    public void copyIn(Path source, String target, FileOwner owner, int mode) {
        throw new AssertionError("providers plan steps, they do not copy: " + source);
    }

    @Override
    public void copyOut(String source, Path target) {
        throw new AssertionError("not used");
    }
}
