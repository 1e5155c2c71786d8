package dev.botbottle.backend.smolvm.internal;

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

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/** A handle on a running machine; stateless apart from the image's users it learned. */
public final class SmolvmBottle implements Bottle {

    private static final Logger LOG = LoggerFactory.getLogger(SmolvmBottle.class);
    /** How long past a command's own time-out the smolvm client may take before it is killed. */
    private static final Duration GRACE = Duration.ofSeconds(30);
    private static final Duration COPY_TIMEOUT = Duration.ofMinutes(10);
    private static final int ERROR_TAIL = 4096;

    /**
     * Unpacks a staged archive as root and moves it into place: owner and modes on the unpacked tree (files the
     * mode, directories the mode with execute bits, links as they are; modes "keep" leaves the archive's), missing
     * parents created and owned like the copy, then renamed over the target or merged into an existing directory.
     */
    static final String PLACE_SCRIPT = String.join("\n",
            "set -eu",
            "d=$1; a=$2; t=$3; o=$4; fm=$5; dm=$6",
            "trap 'rm -rf \"$d\" \"$a\"' EXIT",
            "mkdir -p \"$d\"; tar -xpf \"$a\" -C \"$d\" --no-same-owner",
            "s=$d/x",
            "chown -R -h \"$o\" \"$s\"",
            "if [ \"$fm\" != keep ]; then",
            "  if [ -d \"$s\" ] && [ ! -L \"$s\" ]; then",
            "    find \"$s\" -type d -exec chmod \"$dm\" {} +",
            "    find \"$s\" ! -type d ! -type l -exec chmod \"$fm\" {} +",
            "  elif [ ! -L \"$s\" ]; then chmod \"$fm\" \"$s\"; fi",
            "fi",
            "p=$(dirname \"$t\"); e=$p; first=",
            "while [ ! -e \"$e\" ]; do first=$e; e=$(dirname \"$e\"); done",
            "mkdir -p \"$p\"",
            "if [ -n \"$first\" ]; then chown -R \"$o\" \"$first\"; fi",
            "if [ -d \"$s\" ] && [ -d \"$t\" ] && [ ! -L \"$t\" ]; then cp -a \"$s/.\" \"$t/\"",
            "else mv -fT \"$s\" \"$t\"; fi");

    /** Packs a guest path (file, directory or link, not followed) into an archive, as root. */
    static final String PACK_SCRIPT = String.join("\n",
            "set -eu",
            "s=$1; a=$2",
            "if [ ! -e \"$s\" ] && [ ! -L \"$s\" ]; then echo \"no such file or directory: $s\" >&2; exit 3; fi",
            "tar -C \"$(dirname \"$s\")\" -cf \"$a\" -- \"$(basename \"$s\")\"",
            "chmod 600 \"$a\"");

    private final SmolvmCli cli;
    private final String slug;
    private final String machine;
    private final Map<String, AgentUser> users;
    private final AgentUser agent;

    /**
     * @param cli the CLI
     * @param slug the bottle
     * @param users the image's users by name
     * @param agent the agent user
     */
    public SmolvmBottle(SmolvmCli cli, String slug, Map<String, AgentUser> users, AgentUser agent) {
        this.cli = cli;
        this.slug = slug;
        this.machine = Names.machine(slug);
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
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = run(request, out, err);
        return new ExecResult(code, out.toByteArray(), err.toByteArray());
    }

    @Override
    public int stream(ExecRequest request, OutputStream stdout, OutputStream stderr) {
        return run(request, stdout, stderr);
    }

    private int run(ExecRequest request, OutputStream stdout, OutputStream stderr) {
        AgentUser user = user(request);
        String nonce = ExecWrapper.nonce();
        Secrets secrets = Secrets.of(request.env());
        long seconds = Math.max(1, (request.timeout().toMillis() + 999) / 1000);
        List<String> args = SmolvmArgs.exec(machine, secrets.names(), request.stdin().isPresent(), false, seconds,
                ExecWrapper.argv(nonce, user, request.workdir(), request.argv()));
        LOG.debug("exec in {}: {}", machine, request);
        var tail = new Tail(ERROR_TAIL);
        var filter = new ExecWrapper.MarkerFilter(new Tee(stderr, tail), nonce);
        ProcessRunner.Outcome o = cli.stream(args, secrets.values(), request.stdin(), request.timeout().plus(GRACE),
                stdout, filter);
        try {
            filter.finish();
        } catch (IOException e) {
            throw new BackendException("could not deliver the output of " + request.argv() + " in bottle " + slug
                    + ": " + e.getMessage(), e);
        }
        if (o.timedOut()) {
            throw timedOut(request, nonce);
        }
        Optional<ExecWrapper.Status> status = filter.status();
        if (status.isPresent() && status.get() instanceof ExecWrapper.Status.Exited exited) {
            return exited.code();
        }
        if (status.isPresent() && status.get() instanceof ExecWrapper.Status.Refused refused) {
            throw switch (refused.why()) {
                case "missing" -> new BackendException("could not run " + request.argv() + " in bottle " + slug
                        + ": no program '" + request.argv().get(0) + "' (not found on the PATH)");
                case "nodir" -> new BackendException("could not run " + request.argv() + " in bottle " + slug
                        + ": no directory " + request.workdir().orElse(user.home()) + " to run it in");
                default -> new BackendException("could not run " + request.argv() + " in bottle " + slug + " as "
                        + user.name() + ": the image's default user is not root, and smolvm cannot switch users");
            };
        }
        if (o.exitCode() == 124) {
            throw timedOut(request, nonce);
        }
        throw new BackendException("smolvm could not run " + request.argv() + " in bottle " + slug + " (exit "
                + o.exitCode() + "): " + tail.text().strip());
    }

    @Override
    public HostCommand attachCommand(ExecRequest request) {
        Secrets secrets = Secrets.of(request.env());
        List<String> guest = ExecWrapper.argv("", user(request), request.workdir(), request.argv());
        return new HostCommand(cli.argv(SmolvmArgs.exec(machine, secrets.names(), true, true, 0, guest)),
                secrets.values());
    }

    @Override
    public void copyIn(Path source, String target, FileOwner owner, int mode) {
        int fileMode = mode & 0777;
        int dirMode = fileMode | ((fileMode & 0444) >> 2);
        place(source, target, owner, false, Integer.toOctalString(fileMode), Integer.toOctalString(dirMode));
    }

    @Override
    public void copyTree(Path source, String target, FileOwner owner) {
        if (!Files.isDirectory(source, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new BackendException("cannot copy " + source + " into bottle " + slug + " as a tree: it is not a"
                    + " directory");
        }
        place(source, target, owner, true, "keep", "keep");
    }

    private void place(Path source, String target, FileOwner owner, boolean tree, String fileMode, String dirMode) {
        if (!target.startsWith("/")) {
            throw new BackendException("copy target '" + target + "' in bottle " + slug + " must be an absolute path");
        }
        if (!Files.exists(source)) {
            throw new BackendException("cannot copy " + source + " into bottle " + slug + ": it does not exist");
        }
        String staging = "/tmp/.bb-copy-" + UUID.randomUUID();
        Path tar = null;
        try {
            tar = hostTemp(".tar");
            List<String> leftOut = TarTrees.write(source, "x", tar, tree);
            if (!leftOut.isEmpty()) {
                LOG.warn("copying {}: left out {} entr{} that would reach outside it or are not files (absolute or "
                        + "escaping links, sockets, pipes): {}", source, leftOut.size(), leftOut.size() == 1 ? "y"
                        : "ies", leftOut);
            }
            cli.check("copy " + source + " into " + machine, SmolvmArgs.upload(machine, tar, staging + ".tar"));
        } catch (IOException e) {
            throw new BackendException("could not pack " + source + " to copy it into bottle " + slug + ": " + e, e);
        } finally {
            deleteQuietly(tar);
        }
        String ownerIds = owner == FileOwner.ROOT ? AgentUser.ROOT.owner() : agent.owner();
        ExecResult placed = exec(new ExecRequest(List.of("sh", "-c", PLACE_SCRIPT, "sh", staging, staging + ".tar",
                target, ownerIds, fileMode, dirMode), Map.of(), Optional.of("/"), Optional.of("0"), Optional.empty(),
                COPY_TIMEOUT));
        if (!placed.succeeded()) {
            throw new BackendException("could not place " + source + " at " + target + " in bottle " + slug
                    + " (exit " + placed.exitCode() + "): " + placed.stderrText().trim());
        }
    }

    @Override
    public void copyOut(String source, Path target) {
        Path name = Path.of(source).normalize().getFileName();
        if (!source.startsWith("/") || name == null) {
            throw new BackendException("copy source '" + source + "' in bottle " + slug
                    + " must be an absolute path below /");
        }
        String archive = "/tmp/.bb-out-" + UUID.randomUUID() + ".tar";
        ExecResult packed = exec(new ExecRequest(List.of("sh", "-c", PACK_SCRIPT, "sh", source, archive), Map.of(),
                Optional.of("/"), Optional.of("0"), Optional.empty(), COPY_TIMEOUT));
        if (!packed.succeeded()) {
            throw new BackendException("could not copy " + source + " out of bottle " + slug + ": "
                    + packed.stderrText().trim());
        }
        Path absolute = target.toAbsolutePath();
        Path staging = null;
        try {
            Files.createDirectories(absolute.getParent());
            staging = Files.createTempDirectory(absolute.getParent(), ".bb-copy-");
            Path tar = hostTemp(".tar");
            try {
                cli.check("copy " + source + " out of " + machine, SmolvmArgs.download(machine, archive, tar));
                Path unpacked = Files.createDirectory(staging.resolve("x"));
                TarTrees.extract(tar, unpacked, source + " out of bottle " + slug);
                Path landed = unpacked.resolve(name.toString());
                CopiedTrees.check(landed, source, slug);
                Files.move(landed, absolute, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                deleteQuietly(tar);
            }
        } catch (IOException e) {
            throw new BackendException("could not copy " + source + " out of bottle " + slug + " to " + target + ": "
                    + e, e);
        } finally {
            deleteQuietly(staging);
            ExecResult removed = exec(new ExecRequest(List.of("rm", "-f", archive), Map.of(), Optional.of("/"),
                    Optional.of("0"), Optional.empty(), COPY_TIMEOUT));
            if (!removed.succeeded()) {
                LOG.warn("could not remove {} in bottle {}: {}", archive, slug, removed.stderrText().trim());
            }
        }
    }

    private AgentUser user(ExecRequest request) {
        if (request.user().isEmpty()) {
            return agent;
        }
        String who = request.user().get();
        return AgentUser.find(users, who).orElseThrow(() -> new BackendException("no user '" + who
                + "' in bottle " + slug + " (not in its /etc/passwd)"));
    }

    private BackendException timedOut(ExecRequest request, String nonce) {
        var ignored = new ByteArrayOutputStream();
        ProcessRunner.Outcome kill = cli.stream(SmolvmArgs.exec(machine, Map.of(), false, false, 60,
                        List.of("sh", "-c", ExecWrapper.KILL_SCRIPT, "sh", nonce)), Map.of(), Optional.empty(),
                Duration.ofSeconds(90), ignored, ignored);
        if (kill.timedOut() || kill.exitCode() != 0) {
            LOG.warn("could not kill the timed-out command {} in {}: {}", request.argv(), machine,
                    ignored.toString(StandardCharsets.UTF_8).strip());
        }
        return new BackendException("command " + request.argv() + " in bottle " + slug + " did not finish within "
                + request.timeout() + " and was killed");
    }

    /** A host temp file in the JVM's temp directory; smolvm's cp takes any argument holding ':' for a machine. */
    private static Path hostTemp(String suffix) throws IOException {
        Path file = Files.createTempFile("bot-bottle-smolvm-", suffix);
        if (file.toString().contains(":")) {
            Files.deleteIfExists(file);
            throw new IOException("the temporary directory " + file.getParent() + " has a ':' in its path, which "
                    + "smolvm cp would take for a machine name; set java.io.tmpdir elsewhere");
        }
        return file;
    }

    private static void deleteQuietly(Path path) {
        if (path != null && !HostFiles.deleteTreeQuietly(path)) {
            LOG.warn("could not delete {}", path);
        }
    }

    @Override
    public String toString() {
        return "SmolvmBottle[" + slug + ", agent=" + agent.name() + "]";
    }

    /**
     * Exec env for {@code --secret-env GUEST=HOST}: each value rides in smolvm's own environment under a generated
     * name, never on its command line.
     */
    record Secrets(Map<String, String> names, Map<String, String> values) {
        static Secrets of(Map<String, String> env) {
            Map<String, String> names = new LinkedHashMap<>();
            Map<String, String> values = new LinkedHashMap<>();
            int i = 0;
            for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
                SmolvmArgs.checkEnvName(e.getKey());
                String host = "BOT_BOTTLE_EXEC_ENV_" + i++;
                names.put(e.getKey(), host);
                values.put(host, e.getValue());
            }
            return new Secrets(names, values);
        }
    }

    /** Keeps the last bytes written, for an error message. */
    private static final class Tail extends OutputStream {
        private final byte[] ring;
        private int next;
        private boolean wrapped;

        Tail(int size) {
            ring = new byte[size];
        }

        @Override
        public synchronized void write(int b) {
            ring[next++] = (byte) b;
            if (next == ring.length) {
                next = 0;
                wrapped = true;
            }
        }

        synchronized String text() {
            var out = new ByteArrayOutputStream();
            if (wrapped) {
                out.write(ring, next, ring.length - next);
            }
            out.write(ring, 0, next);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** Writes to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            first.flush();
            second.flush();
        }
    }
}
