package dev.botbottle.provider.codex;

import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.ProvisionStep;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A test double of the core's provisioning engine: applies provider steps one by one through a bottle, with the
 * semantics {@link ProvisionStep} documents. Records the outcome of optional commands.
 */
final class StepApplier {
    private final DockerExecBottle bottle;
    private final Map<String, String> env = new HashMap<>();
    private final List<String> optionalFailures = new ArrayList<>();

    StepApplier(DockerExecBottle bottle) {
        this.bottle = bottle;
    }

    Map<String, String> env() {
        return env;
    }

    List<String> optionalFailures() {
        return optionalFailures;
    }

    void apply(List<ProvisionStep> steps) {
        for (ProvisionStep step : steps) {
            apply(step);
        }
    }

    private String path(String p) {
        return p.startsWith("~/") ? bottle.agentHome() + p.substring(1) : p;
    }

    private String user(FileOwner owner) {
        return owner == FileOwner.AGENT ? bottle.agentUser() : "root";
    }

    private void apply(ProvisionStep step) {
        if (step instanceof ProvisionStep.WriteFile w) {
            String path = path(w.path());
            bottle.sh(user(w.owner()), "mkdir", "-p", path.substring(0, path.lastIndexOf('/')));
            ExecResult r = bottle.exec(ExecRequest.of("sh", "-c", "cat > \"$1\" && chmod \"$2\" \"$1\"", "write", path,
                    Integer.toOctalString(w.mode())).asUser(user(w.owner())).withStdin(w.content()));
            check(r, "write " + path);
        } else if (step instanceof ProvisionStep.CopyPath c) {
            bottle.sh("root", "rm", "-rf", path(c.target()));
            bottle.copyIn(c.source(), path(c.target()), c.owner(), c.mode());
        } else if (step instanceof ProvisionStep.SetEnv s) {
            env.put(s.name(), s.value());
        } else if (step instanceof ProvisionStep.RunCommand c) {
            ExecResult r = bottle.exec(new ExecRequest(c.argv(), env, Optional.empty(), Optional.of(user(c.owner())),
                    Optional.empty(), ExecRequest.DEFAULT_TIMEOUT));
            if (!r.succeeded()) {
                if (c.optional()) {
                    optionalFailures.add(c.description() + ": " + r.stderrText());
                } else {
                    check(r, c.description());
                }
            }
        } else if (step instanceof ProvisionStep.TrustCertificate t) {
            ExecResult r = bottle.exec(ExecRequest.of("sh", "-c",
                    "cat > \"/usr/local/share/ca-certificates/$1.crt\" && update-ca-certificates >/dev/null 2>&1",
                    "trust", t.name()).asUser("root").withStdin(t.pem().getBytes(StandardCharsets.UTF_8)));
            check(r, "trust " + t.name());
        } else {
            throw new AssertionError("unknown step " + step);
        }
    }

    private static void check(ExecResult r, String what) {
        if (!r.succeeded()) {
            throw new AssertionError(what + " failed (" + r.exitCode() + "): " + r.stderrText() + r.stdoutText());
        }
    }
}
