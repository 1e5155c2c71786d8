package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.support.AgentUser;
import dev.botbottle.spi.support.HostFiles;
import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.HostCommand;
import dev.botbottle.spi.support.CopiedTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** A handle on a running bottle container; stateless apart from what it learned from the image's users. */
public final class DockerBottle implements Bottle {

    private static final Logger LOG = LoggerFactory.getLogger(DockerBottle.class);
    private static final Duration COPY_TIMEOUT = Duration.ofMinutes(10);

    /**
     * Moves a staged copy into place as root: sets owner and modes on the staged tree (modes "keep" leaves them as
     * copied), creates missing parents (owned like the copy), then renames it over the target or, for a directory
     * onto a directory, merges it in.
     */
    private static final String PLACE_SCRIPT = String.join("\n",
            "set -eu",
            "s=$1; t=$2; o=$3; fm=$4; dm=$5",
            "chown -R -h \"$o\" \"$s\"",
            "if [ \"$fm\" != keep ]; then",
            "  if [ -d \"$s\" ]; then",
            "    find \"$s\" -type d -exec chmod \"$dm\" {} +",
            "    find \"$s\" ! -type d ! -type l -exec chmod \"$fm\" {} +",
            "  else chmod \"$fm\" \"$s\"; fi",
            "fi",
            "p=$(dirname \"$t\"); d=$p; first=",
            "while [ ! -e \"$d\" ]; do first=$d; d=$(dirname \"$d\"); done",
            "mkdir -p \"$p\"",
            "if [ -n \"$first\" ]; then chown -R \"$o\" \"$first\"; fi",
            "if [ -d \"$s\" ] && [ -d \"$t\" ] && [ ! -L \"$t\" ]; then cp -a \"$s/.\" \"$t/\"; rm -rf \"$s\";",
            "else mv -fT \"$s\" \"$t\"; fi");

    /** Kills the processes of a timed-out exec, found by the exec id in their environment. */
    private static final String KILL_SCRIPT = String.join("\n",
            "for e in /proc/[0-9]*/environ; do",
            "  if tr '\\0' '\\n' < \"$e\" 2>/dev/null | grep -qx \"" + DockerArgs.EXEC_ID_VARIABLE + "=$1\"; then",
            "    p=${e#/proc/}; kill -9 \"${p%/environ}\" 2>/dev/null || true",
            "  fi",
            "done");

    private final DockerCli docker;
    private final String slug;
    private final String container;
    private final Map<String, AgentUser> users;
    private final AgentUser agent;

    /**
     * @param docker the CLI
     * @param slug the bottle
     * @param users the image's users by name
     * @param agent the agent user
     */
    public DockerBottle(DockerCli docker, String slug, Map<String, AgentUser> users, AgentUser agent) {
        this.docker = docker;
        this.slug = slug;
        this.container = Names.container(slug);
        this.users = Map.copyOf(users);
        this.agent = agent;
    }

    @Override
    public String slug() {
        return slug;
    }

    @Override
    public String agentUser() {
        return agent.name();
    }

    @Override
    public String agentHome() {
        return agent.home();
    }

    @Override
    public ExecResult exec(ExecRequest request) {
        String execId = UUID.randomUUID().toString();
        LOG.debug("exec in {}: {}", container, request);
        CommandResult r = docker.run(execArgs(request, execId), clientEnvironment(request.env()), request.stdin(),
                request.timeout());
        if (r.timedOut()) {
            throw timedOut(request, execId);
        }
        if (isDockerFailure(r)) {
            throw new BackendException("could not run " + request.argv() + " in bottle " + slug + ": "
                    + (r.stderrText().isEmpty() ? r.stdoutText().strip() : r.stderrText()));
        }
        return new ExecResult(r.exitCode(), r.stdout(), r.stderr());
    }

    @Override
    public int stream(ExecRequest request, OutputStream stdout, OutputStream stderr) {
        String execId = UUID.randomUUID().toString();
        LOG.debug("stream in {}: {}", container, request);
        CommandResult r = docker.stream(execArgs(request, execId), clientEnvironment(request.env()), request.stdin(),
                request.timeout(), stdout, stderr);
        if (r.timedOut()) {
            throw timedOut(request, execId);
        }
        return r.exitCode();
    }

    @Override
    public HostCommand attachCommand(ExecRequest request) {
        String user = request.user().orElse(agent.name());
        return new HostCommand(docker.argv(DockerArgs.exec(container, request, user, workdir(request, user),
                true, true, null)), clientEnvironment(request.env()));
    }

    @Override
    public void copyIn(Path source, String target, FileOwner owner, int mode) {
        int fileMode = mode & 07777;
        int dirMode = fileMode | ((fileMode & 0444) >> 2);
        place(source, target, owner, Integer.toOctalString(fileMode), Integer.toOctalString(dirMode));
    }

    @Override
    public void copyTree(Path source, String target, FileOwner owner) {
        if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new BackendException("cannot copy " + source + " into bottle " + slug + " as a tree: it is not a"
                    + " directory");
        }
        String staging = "/tmp/.bb-copy-" + UUID.randomUUID();
        ExecResult made = exec(ExecRequest.of("mkdir", "-m", "0700", staging).asUser("0").inDirectory("/")
                .withTimeout(DockerCli.CONTROL_TIMEOUT));
        if (!made.succeeded()) {
            throw new BackendException("could not make a staging directory in bottle " + slug + ": "
                    + made.stderrText().trim());
        }
        HostTree tree = new HostTree(source);
        CommandResult cp = docker.run(List.of("cp", "-", container + ":" + staging), tree::open, COPY_TIMEOUT);
        tree.checkWritten();
        DockerCli.require("copy " + source + " into " + container + ":" + target, cp);
        // "keep": the modes the tar carried stay as they are
        placeStaged(source, staging, target, owner, "keep", "keep");
    }

    /**
     * Copies {@code source} to a staging path with {@code docker cp}, then places it as root: sets owner and modes,
     * creates missing parents owned like the copy, and moves it over the target (merging a directory into a
     * directory).
     */
    private void place(Path source, String target, FileOwner owner, String fileMode, String dirMode) {
        if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new BackendException("cannot copy " + source + " into bottle " + slug + ": it does not exist");
        }
        String staging = "/tmp/.bb-copy-" + UUID.randomUUID();
        CommandResult cp = docker.run(List.of("cp", source.toAbsolutePath().toString(), container + ":" + staging),
                Map.of(), Optional.empty(), COPY_TIMEOUT);
        DockerCli.require("copy " + source + " into " + container + ":" + target, cp);
        placeStaged(source, staging, target, owner, fileMode, dirMode);
    }

    private void placeStaged(Path source, String staging, String target, FileOwner owner, String fileMode,
                             String dirMode) {
        if (!target.startsWith("/")) {
            throw new BackendException("copy target '" + target + "' in bottle " + slug + " must be an absolute path");
        }
        String ownerIds = owner == FileOwner.ROOT ? AgentUser.ROOT.owner() : agent.owner();
        ExecResult placed = exec(new ExecRequest(List.of("sh", "-c", PLACE_SCRIPT, "sh", staging, target, ownerIds,
                fileMode, dirMode), Map.of(), Optional.of("/"), Optional.of("0"), Optional.empty(), COPY_TIMEOUT));
        if (!placed.succeeded()) {
            throw new BackendException("could not place " + source + " at " + target + " in bottle " + slug
                    + " (exit " + placed.exitCode() + "): " + placed.stderrText().trim());
        }
    }

    @Override
    public void copyOut(String source, Path target) {
        Path absolute = target.toAbsolutePath();
        Path parent = absolute.getParent();
        Path staging = null;
        try {
            Files.createDirectories(parent);
            staging = Files.createTempDirectory(parent, ".bb-copy-");
            Path landed = staging.resolve("out");
            DockerCli.require("copy " + container + ":" + source + " to " + target,
                    docker.run(List.of("cp", container + ":" + source, landed.toString()), Map.of(), Optional.empty(),
                            COPY_TIMEOUT));
            CopiedTrees.check(landed, source, slug);
            Files.move(landed, absolute, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new BackendException("could not copy " + source + " out of bottle " + slug + " to " + target + ": "
                    + e, e);
        } finally {
            if (staging != null) {
                deleteRecursively(staging);
            }
        }
    }

    /**
     * The docker client's extra environment: the exec's variables (which {@code -e NAME} forwards). A {@code HOME}
     * among them would move the client's own configuration (contexts, the daemon address), so the client is
     * pinned to the configuration this process uses.
     */
    static Map<String, String> clientEnvironment(Map<String, String> execEnv) {
        String home = System.getenv("HOME");
        if (execEnv.containsKey("HOME") && System.getenv("DOCKER_CONFIG") == null && home != null) {
            Map<String, String> env = new java.util.HashMap<>(execEnv);
            env.put("DOCKER_CONFIG", Path.of(home, ".docker").toString());
            return env;
        }
        return execEnv;
    }

    List<String> execArgs(ExecRequest request, String execId) {
        String user = request.user().orElse(agent.name());
        return DockerArgs.exec(container, request, user, workdir(request, user), request.stdin().isPresent(), false,
                execId);
    }

    private String workdir(ExecRequest request, String user) {
        if (request.workdir().isPresent()) {
            return request.workdir().get();
        }
        AgentUser known = users.get(user);
        if (known == null && user.chars().allMatch(Character::isDigit)) {
            int uid = Integer.parseInt(user);
            known = users.values().stream().filter(u -> u.uid() == uid).findFirst().orElse(null);
        }
        return known == null ? null : known.home();
    }

    private BackendException timedOut(ExecRequest request, String execId) {
        // as the command's own user: root in a bottle lacks CAP_KILL and CAP_SYS_PTRACE for other users' processes
        String user = request.user().orElse(agent.name());
        CommandResult kill = docker.run(List.of("exec", "-u", user, container, "sh", "-c", KILL_SCRIPT, "sh", execId),
                Map.of(), Optional.empty(), DockerCli.CONTROL_TIMEOUT);
        if (!kill.succeeded()) {
            LOG.warn("could not kill the timed-out command {} in {}: {}", request.argv(), container, kill.stderrText());
        }
        return new BackendException("command " + request.argv() + " in bottle " + slug + " did not finish within "
                + request.timeout() + " and was killed");
    }

    /**
     * docker exec reports its own failures (no such container, unknown user, no such program) like this; the
     * runtime's message arrives on standard output when no terminal is attached.
     */
    static boolean isDockerFailure(CommandResult r) {
        String stderr = r.stderrText();
        return (r.exitCode() == 1 || r.exitCode() == 126 || r.exitCode() == 127)
                && (stderr.startsWith("Error response from daemon") || stderr.startsWith("Error: No such container")
                || stderr.startsWith("OCI runtime exec failed") || r.stdoutText().startsWith("OCI runtime exec failed"));
    }

    private static void deleteRecursively(Path dir) {
        if (!HostFiles.deleteTreeQuietly(dir)) {
            LOG.warn("could not delete staging directory {}", dir);
        }
    }

    @Override
    public String toString() {
        return "DockerBottle[" + slug + ", agent=" + agent.name() + "]";
    }
}
