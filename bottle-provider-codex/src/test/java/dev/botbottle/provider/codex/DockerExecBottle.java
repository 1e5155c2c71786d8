package dev.botbottle.provider.codex;

import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.HostCommand;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A test double of the Docker backend's bottle: a plain container started with {@code docker run} (no network),
 * driven with {@code docker exec} and {@code docker cp}. Secret env values go through the docker process's
 * environment, never its argv.
 */
final class DockerExecBottle implements Bottle {
    private final String container;

    private DockerExecBottle(String container) {
        this.container = container;
    }

    /** Starts a container of {@code image} with {@code env} and no network. */
    static DockerExecBottle start(String image, Map<String, String> env) {
        String name = "bot-bottle-it-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> argv = new ArrayList<>(List.of("docker", "run", "-d", "--name", name, "--network", "none",
                "--label", "dev.botbottle.it=provider"));
        env.forEach((k, v) -> argv.addAll(List.of("-e", k)));
        argv.addAll(List.of(image, "sleep", "infinity"));
        DockerCli.run(argv, null, env, java.time.Duration.ofMinutes(2)).orFail("docker run " + image);
        return new DockerExecBottle(name);
    }

    String container() {
        return container;
    }

    @Override
    public String slug() {
        return container;
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
        List<String> argv = new ArrayList<>(List.of("docker", "exec", "-i", "-u", request.user().orElse(agentUser()),
                "-w", request.workdir().orElse(agentHome())));
        request.env().keySet().forEach(k -> argv.addAll(List.of("-e", k)));
        argv.add(container);
        argv.addAll(request.argv());
        DockerCli.Result r = DockerCli.run(argv, request.stdin().orElse(new byte[0]), request.env(), request.timeout());
        return new ExecResult(r.exitCode(), r.stdout().getBytes(StandardCharsets.UTF_8),
                r.stderr().getBytes(StandardCharsets.UTF_8));
    }

    /** Runs {@code argv} as {@code user} and returns its stdout, failing the test on a non-zero exit. */
    String sh(String user, String... argv) {
        ExecResult r = exec(ExecRequest.of(argv).asUser(user));
        if (!r.succeeded()) {
            throw new AssertionError(String.join(" ", argv) + " exited " + r.exitCode() + ": " + r.stderrText()
                    + r.stdoutText());
        }
        return r.stdoutText();
    }

    @Override
    public int stream(ExecRequest request, OutputStream stdout, OutputStream stderr) {
        throw new UnsupportedOperationException("not needed by these tests");
    }

    @Override
    public HostCommand attachCommand(ExecRequest request) {
        throw new UnsupportedOperationException("not needed by these tests");
    }

    @Override
    public void copyIn(Path source, String target, FileOwner owner, int mode) {
        String parent = target.substring(0, Math.max(1, target.lastIndexOf('/')));
        String user = owner == FileOwner.AGENT ? agentUser() : "root";
        sh(user, "mkdir", "-p", parent);
        DockerCli.docker("cp", source.toString(), container + ":" + target).orFail("docker cp");
        String dirMode = Integer.toOctalString(mode | 0111);
        sh("root", "sh", "-c", "chown -R \"$1\" \"$2\" && find \"$2\" -type d -exec chmod \"$3\" {} + "
                + "&& find \"$2\" -type f -exec chmod \"$4\" {} +", "copy-in", user + ":" + user, target, dirMode,
                Integer.toOctalString(mode));
    }

    @Override
    public void copyOut(String source, Path target) {
        DockerCli.docker("cp", container + ":" + source, target.toString()).orFail("docker cp out");
    }

    @Override
    public void close() {
        DockerCli.docker("rm", "-f", container);
    }
}
