package dev.botbottle.gitgate.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real git upstream for tests: Debian's OpenSSH {@code sshd}, started on a loopback port with its own
 * configuration, serving real bare repositories through {@code git-shell} for one user ({@value #USER}) and
 * accepting only the public keys written into its own {@code authorized_keys} file.
 *
 * <p>Needs root (to create the user, run sshd and chown the repositories). Installs {@code openssh-server} with apt
 * when {@code /usr/sbin/sshd} is missing. {@link #unavailable()} says why it cannot run, for a skip with a reason.
 * Shared by the gate's tests, integration-tests, the benchmarks and the deploy-key tests.
 */
public final class SshUpstream implements AutoCloseable {

    /** The account git runs as on this upstream (its shell is git-shell). */
    public static final String USER = "bbgit";
    static final Path SSHD = Path.of("/usr/sbin/sshd");

    private final Path root;
    private final Process sshd;
    private final int port;
    private final String address;
    private final String hostKey;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    private SshUpstream(Path root, Process sshd, String address, int port, String hostKey) {
        this.root = root;
        this.sshd = sshd;
        this.address = address;
        this.port = port;
        this.hostKey = hostKey;
    }

    /** @return why the fixture cannot run here, or empty when it can (installing openssh-server if needed) */
    public static Optional<String> unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("the OpenSSH upstream fixture needs root (it creates the " + USER + " user and runs sshd)");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/git-shell"))) {
            return Optional.of("git (git-shell) is not installed");
        }
        if (!Files.isExecutable(SSHD)) {
            Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
            Result r = run(env, "apt-get", "install", "-y", "-qq", "openssh-server");
            if (r.code() != 0) {
                run(env, "apt-get", "update", "-qq");
                r = run(env, "apt-get", "install", "-y", "-qq", "openssh-server");
            }
            if (!Files.isExecutable(SSHD)) {
                return Optional.of("openssh-server is missing and apt-get could not install it: " + r.out());
            }
        }
        return Optional.empty();
    }

    /** Starts a fresh upstream on loopback with no repositories and no authorized keys. */
    public static SshUpstream start() throws IOException {
        return start("127.0.0.1");
    }

    /**
     * Starts a fresh upstream with no repositories and no authorized keys.
     *
     * @param address the IPv4 address it listens on (a gateway in a container reaches the host on its default-bridge
     *                address, not on loopback)
     */
    public static SshUpstream start(String address) throws IOException {
        unavailable().ifPresent(reason -> {
            throw new IllegalStateException(reason);
        });
        ensureUser();
        Path root = Files.createTempDirectory("ssh-upstream");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(root.resolve("repos"));
        Files.createFile(root.resolve("authorized_keys"));
        check(run(Map.of(), "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ssh-upstream",
                "-f", root.resolve("host_ed25519").toString()));
        String hostKey = Files.readString(root.resolve("host_ed25519.pub")).strip();
        check(run(Map.of(), "chown", "-R", USER, root.resolve("repos").toString()));
        Files.createDirectories(Path.of("/run/sshd"));
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(address))) {
                port = s.getLocalPort();
            }
            Files.writeString(root.resolve("sshd_config"), String.join("\n",
                    "Port " + port,
                    "ListenAddress " + address,
                    "HostKey " + root.resolve("host_ed25519"),
                    "PidFile " + root.resolve("sshd.pid"),
                    "AuthorizedKeysFile " + root.resolve("authorized_keys"),
                    "AllowUsers " + USER,
                    "UsePAM no",
                    "StrictModes no",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PubkeyAuthentication yes",
                    "PermitRootLogin no",
                    "AllowTcpForwarding no",
                    "X11Forwarding no",
                    "PrintMotd no",
                    "LogLevel VERBOSE",
                    "") + "\n");
            Process p = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", root.resolve("sshd_config").toString())
                    .redirectErrorStream(true).start();
            SshUpstream up = new SshUpstream(root, p, address, port, hostKey);
            if (up.awaitListening()) {
                return up;
            }
            p.destroyForcibly();
            last = new IOException("sshd did not start on port " + port + ": " + String.join("\n", up.log));
        }
        delete(root);
        throw last;
    }

    /** Reads sshd's output until it listens (or exits); keeps draining it into {@link #log()} afterwards. */
    private boolean awaitListening() {
        CompletableFuture<Boolean> listening = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(sshd.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    log.add(line);
                    if (line.contains("Server listening on")) {
                        listening.complete(true);
                    }
                }
            } catch (IOException ignored) {
                // sshd went away
            }
            listening.complete(false);
        }, "sshd-log-" + port);
        t.setDaemon(true);
        t.start();
        try {
            return listening.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
    }

    private static void ensureUser() {
        if (run(Map.of(), "id", "-u", USER).code() != 0) {
            Result r = run(Map.of(), "useradd", "--system", "--create-home", "--home-dir", "/var/lib/" + USER,
                    "--shell", "/usr/bin/git-shell", USER);
            if (r.code() != 0 && run(Map.of(), "id", "-u", USER).code() != 0) {
                throw new IllegalStateException("cannot create user " + USER + ": " + r.out());
            }
        }
        // sshd without PAM refuses locked accounts; '*' is unlocked and still has no password
        check(run(Map.of(), "usermod", "-p", "*", "-s", "/usr/bin/git-shell", USER));
    }

    /** @return the port sshd listens on */
    public int port() {
        return port;
    }

    /** @return sshd's host key as in known_hosts ({@code ssh-ed25519 AAAA... ssh-upstream}) */
    public String hostKey() {
        return hostKey;
    }

    /** @return what sshd printed so far */
    public List<String> log() {
        return List.copyOf(log);
    }

    /** @return the directory of this fixture (its repos, keys and config) */
    public Path root() {
        return root;
    }

    /** @param repo a repository name @return its SSH URL */
    public String url(String repo) {
        return "ssh://" + USER + "@" + address + ":" + port + repoDir(repo);
    }

    /** @param repo a repository name @return its bare repository on disk */
    public Path repoDir(String repo) {
        return root.resolve("repos").resolve(repo + ".git");
    }

    /**
     * Creates a bare repository whose {@code main} has one commit (a README), owned by {@value #USER}.
     *
     * @param repo the name
     * @return its URL
     */
    public String createRepo(String repo) throws IOException {
        Path work = Files.createTempDirectory("ssh-upstream-work");
        try {
            check(run(Map.of(), "git", "init", "-q", "--bare", "-b", "main", repoDir(repo).toString()));
            check(run(Map.of(), "git", "init", "-q", "-b", "main", work.toString()));
            Files.writeString(work.resolve("README.md"), "# " + repo + "\n");
            git(work, "add", "README.md");
            git(work, "commit", "-q", "-m", "initial commit");
            git(work, "push", "-q", repoDir(repo).toString(), "main");
            chown(repo);
            return url(repo);
        } finally {
            delete(work);
        }
    }

    /** Commits a file on {@code branch} directly in the upstream repository (as another developer would). */
    public String commitUpstream(String repo, String branch, String file, String content) throws IOException {
        Path work = Files.createTempDirectory("ssh-upstream-work");
        // root works on the repository as its owner for a moment (git refuses repositories of other users)
        check(run(Map.of(), "chown", "-R", "root", repoDir(repo).toString()));
        try {
            check(run(Map.of(), "git", "clone", "-q", "-b", branch, repoDir(repo).toString(), work.toString()));
            Path f = work.resolve(file);
            Files.createDirectories(f.getParent());
            Files.writeString(f, content);
            git(work, "add", file);
            git(work, "commit", "-q", "-m", "upstream change to " + file);
            git(work, "push", "-q", "origin", branch);
            return git(work, "rev-parse", "HEAD").strip();
        } finally {
            chown(repo);
            delete(work);
        }
    }

    /** @return the object id {@code ref} points at upstream, or empty when it does not exist */
    public Optional<String> ref(String repo, String ref) {
        Result r = run(Map.of(), "git", "-c", "safe.directory=*", "--git-dir", repoDir(repo).toString(), "rev-parse",
                "--verify", "-q", ref);
        return r.code() == 0 ? Optional.of(r.out().strip()) : Optional.empty();
    }

    /** @return whether {@code commit} exists in the upstream repository */
    public boolean hasObject(String repo, String commit) {
        return run(Map.of(), "git", "-c", "safe.directory=*", "--git-dir", repoDir(repo).toString(), "cat-file", "-e",
                commit).code() == 0;
    }

    /** Hands the repository back to {@value #USER} after root wrote into it. */
    public void chown(String repo) {
        check(run(Map.of(), "chown", "-R", USER, repoDir(repo).toString()));
    }

    /** A client key pair made with ssh-keygen: its private key file and its public line. */
    public record ClientKey(Path privateKey, String publicLine) {
    }

    /** @param name a file name @return a fresh ed25519 client key (not authorized yet) */
    public ClientKey newClientKey(String name) throws IOException {
        Path keys = Files.createDirectories(root.resolve("client-keys"));
        Path key = keys.resolve(name);
        check(run(Map.of(), "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString()));
        return new ClientKey(key, Files.readString(keys.resolve(name + ".pub")).strip());
    }

    /** Adds a public key line to the authorized keys. */
    public synchronized void authorize(String publicLine) throws IOException {
        Files.writeString(authorizedKeys(), publicLine.strip() + "\n", java.nio.file.StandardOpenOption.APPEND);
    }

    /** Removes a public key (compared by type and key data) from the authorized keys. */
    public synchronized void revoke(String publicLine) throws IOException {
        String data = keyData(publicLine);
        List<String> kept = Files.readAllLines(authorizedKeys()).stream().filter(l -> !keyData(l).equals(data)).toList();
        Files.write(authorizedKeys(), kept);
    }

    /** @return the authorized keys file sshd reads on every login */
    public Path authorizedKeys() {
        return root.resolve("authorized_keys");
    }

    private static String keyData(String line) {
        String[] p = line.strip().split("\\s+");
        return p.length >= 2 ? p[0] + " " + p[1] : line.strip();
    }

    /**
     * Runs the host's git with {@code key} as its only SSH identity and this upstream's host key as the only known
     * one (what a developer's machine without the gate would do).
     *
     * @return exit code and output
     */
    public Result gitDirect(Path key, Path cwd, String... args) {
        List<String> argv = new ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        return runIn(cwd, Map.of("GIT_SSH_COMMAND", sshCommand(key), "GIT_TERMINAL_PROMPT", "0"), argv);
    }

    /** @return an ssh command line using {@code key} only and pinning this upstream's host key */
    public String sshCommand(Path key) {
        Path known = root.resolve("known_hosts");
        try {
            Files.writeString(known, "[" + address + "]:" + port + " " + hostKey + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "ssh -i " + key + " -o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes"
                + " -o StrictHostKeyChecking=yes -o UserKnownHostsFile=" + known;
    }

    private String git(Path work, String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "-c", "user.name=Upstream Dev", "-c",
                "user.email=dev@upstream.test", "-c", "safe.directory=*"));
        argv.addAll(List.of(args));
        Result r = runIn(work, Map.of(), argv);
        check(r);
        return r.out();
    }

    /** Stops sshd and removes every repository and key of this fixture. */
    @Override
    public void close() {
        sshd.destroy();
        try {
            if (!sshd.waitFor(10, TimeUnit.SECONDS)) {
                sshd.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        delete(root);
    }

    /** The exit code and merged output of a command. */
    public record Result(int code, String out) {
    }

    private static Result run(Map<String, String> env, String... argv) {
        return runIn(null, env, List.of(argv));
    }

    /** Runs a command (argv, never a shell string) with extra environment; output merged. */
    public static Result runIn(Path cwd, Map<String, String> env, List<String> argv) {
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
            if (cwd != null) {
                pb.directory(cwd.toFile());
            }
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return new Result(-1, out + "\n(timed out)");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    private static void check(Result r) {
        if (r.code() != 0) {
            throw new IllegalStateException("command failed (" + r.code() + "): " + r.out());
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp dir is not a test failure
        }
    }
}
