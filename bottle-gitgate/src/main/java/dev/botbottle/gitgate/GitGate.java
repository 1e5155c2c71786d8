package dev.botbottle.gitgate;

import dev.botbottle.dlp.DlpScanner;
import dev.botbottle.gitgate.internal.GateException;
import dev.botbottle.gitgate.internal.Mirror;
import dev.botbottle.gitgate.internal.PushScanner;
import dev.botbottle.gitgate.internal.RemoteGate;
import dev.botbottle.gitgate.internal.SmartHttp;
import dev.botbottle.gitgate.internal.Upstream;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.GatewayAudit;
import dev.botbottle.spi.GatewayAuditEntry;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.GitRemote;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.Secret;
import dev.botbottle.spi.support.AuditJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The running git gate of one bottle: serves each of the bottle's remotes over git's smart HTTP protocol, only to
 * requests carrying the bottle's secret, refreshing from upstream before every fetch and forwarding pushes upstream
 * only after the push policy and the secret scan passed. Every request, and every ref of a push with its verdict, is
 * audited ({@link GatewayAudit}; {@code <stateDir>/gitgate/audit.jsonl}).
 *
 * <p>Made by {@link GitGateProvider#start}. Thread-safe. The secret and the bottle's repositories live in
 * {@code <stateDir>/gitgate/} and survive {@link #close()}, so a resumed bottle's git config keeps working.
 *
 * @since 0.1
 */
public final class GitGate implements GatewayService, GatewayAudit {

    private static final Logger LOG = LoggerFactory.getLogger(GitGate.class);

    /** Where the gate's URL rewrites live in the bottle (included from the system git config). */
    public static final String BOTTLE_CONFIG = "/etc/bot-bottle/gitgate.gitconfig";
    /**
     * Where they live in a bottle without root (provisioned as its agent, e.g. a Kubernetes Pod): below the agent's
     * home, included from its global git config.
     */
    public static final String ROOTLESS_CONFIG = ".bot-bottle/gitgate.gitconfig";

    private final String slug;
    private final String secret;
    private final List<GitRemote> remotes;
    private final List<RemoteGate> gates;
    private final SmartHttp http;
    private final AuditJournal journal;
    private final AtomicBoolean closed = new AtomicBoolean();

    private GitGate(String slug, String secret, List<GitRemote> remotes, List<RemoteGate> gates, SmartHttp http,
                    AuditJournal journal) {
        this.journal = journal;
        this.slug = slug;
        this.secret = secret;
        this.remotes = remotes;
        this.gates = gates;
        this.http = http;
    }

    static GitGate start(GatewayRequest request, GitGateOptions options) {
        Path dir = request.stateDir().resolve("gitgate");
        List<RemoteGate> gates = new ArrayList<>();
        try {
            String secret = loadOrCreateSecret(dir);
            PushScanner scanner = new PushScanner(scanner(request));
            AuditJournal journal = AuditJournal.at(dir.resolve("audit.jsonl"));
            java.util.function.Consumer<GatewayAuditEntry> audit = e -> record(journal, request.slug(), e);
            Map<String, RemoteGate> byName = new LinkedHashMap<>();
            Path mirrors = options.mirrorRootFor(request.stateDir());
            for (GitRemote remote : request.remotes()) {
                Upstream upstream = new Upstream(remote, dir.resolve("ssh").resolve(remote.name()),
                        options.upstreamTimeoutSeconds());
                RemoteGate gate = new RemoteGate(request.slug(), remote,
                        dir.resolve("repos").resolve(remote.name() + ".git"), Mirror.open(mirrors, remote.url()),
                        upstream, scanner, audit);
                gates.add(gate);
                byName.put(remote.name(), gate);
            }
            SmartHttp http = SmartHttp.start(request.slug(), request.bindAddress(), request.port(), secret, byName,
                    options.threads(), audit);
            warm(request.slug(), gates);
            LOG.info("git gate of bottle {} listening on {}:{} ({} remotes: {})", request.slug(),
                    request.bindAddress(), http.port(), byName.size(), byName.keySet());
            return new GitGate(request.slug(), secret, request.remotes(), List.copyOf(gates), http, journal);
        } catch (GateException e) {
            gates.forEach(RemoteGate::close);
            throw new BottleException("bottle " + request.slug() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            gates.forEach(RemoteGate::close);
            throw e;
        }
    }

    /**
     * Starts refreshing every remote's mirror in the background, so the agent's first clone, which comes after the
     * bottle was created and provisioned, finds it warm. A fetch during the warm-up waits for it, then refreshes
     * again (a fetch always asks upstream); a failed warm-up is only logged: that fetch reports the reason.
     */
    private static void warm(String slug, List<RemoteGate> gates) {
        if (gates.isEmpty()) {
            return;
        }
        Thread t = new Thread(() -> {
            for (RemoteGate g : gates) {
                try {
                    g.refresh();
                } catch (RuntimeException e) {
                    LOG.info("git gate of bottle {}: warming the mirror of {} failed (the bottle's fetch will say"
                            + " why): {}", slug, g.remote().name(), e.getMessage());
                }
            }
        }, "gitgate-warm-" + slug);
        t.setDaemon(true);
        t.start();
    }

    private static void record(AuditJournal journal, String slug, GatewayAuditEntry entry) {
        try {
            journal.record(entry);
        } catch (java.io.UncheckedIOException e) {
            LOG.warn("git gate of bottle {}: {}", slug, e.getMessage());
        }
    }

    /** @return the requests and push verdicts since this gate started, oldest first */
    @Override
    public List<GatewayAuditEntry> auditEntries() {
        return journal.entries();
    }

    /** The built-in rules plus the bottle's own route credentials, so a push cannot carry them out either. */
    private static DlpScanner scanner(GatewayRequest request) {
        Map<String, Secret> literals = new LinkedHashMap<>();
        for (EgressRoute r : request.routes()) {
            r.auth().ifPresent(a -> request.credentials().resolve(a.tokenRef())
                    .ifPresent(s -> literals.put("bottle-credential:" + a.tokenRef(), s)));
        }
        return DlpScanner.builtIn().withLiterals(literals);
    }

    @Override
    public String name() {
        return GitGateProvider.NAME;
    }

    @Override
    public int port() {
        return http.port();
    }

    /**
     * @param reach where the bottle reaches the host
     * @param remote a remote's name
     * @return the URL the bottle's git uses for that remote (it carries the bottle's secret)
     */
    public String url(HostReach reach, String remote) {
        String host = reach.bottleAddress().contains(":") ? "[" + reach.bottleAddress() + "]" : reach.bottleAddress();
        return "http://" + host + ":" + port() + "/" + secret + "/" + remote + ".git";
    }

    /**
     * What the bottle needs: a root-owned git config file rewriting each upstream URL to this gate
     * ({@code url.<gate>.insteadOf <upstream>}), included from the system git config; in a bottle without root
     * (the step then runs as the agent) the file is {@link #ROOTLESS_CONFIG} in the agent's home, included from its
     * global config. Applying it again (a resume on a new port) replaces the rewrites.
     */
    @Override
    public List<ProvisionStep> bottleSteps(HostReach reach) {
        if (remotes.isEmpty()) {
            return List.of();
        }
        StringBuilder config = new StringBuilder("# written by bot-bottle: git remotes go through the git gate\n");
        for (GitRemote r : remotes) {
            config.append("[url \"").append(url(reach, r.name())).append("\"]\n")
                    .append("\tinsteadOf = ").append(r.url()).append('\n');
        }
        return List.of(new ProvisionStep.RunCommand(List.of("sh", "-c", CONFIGURE, "sh", config.toString()),
                FileOwner.ROOT, false, "git config: route the git remotes through the git gate"));
    }

    /** Writes the rewrites ($1) and includes them: system-wide as root, else in the agent's own config. */
    static final String CONFIGURE = String.join("\n",
            "if [ \"$(id -u)\" = 0 ]; then f=" + BOTTLE_CONFIG + "; scope=--system",
            "else f=\"$HOME/" + ROOTLESS_CONFIG + "\"; scope=--global; fi",
            "mkdir -p \"${f%/*}\" && printf '%s' \"$1\" > \"$f\" && chmod 644 \"$f\" \\",
            "  && git config \"$scope\" --replace-all include.path \"$f\" 'gitgate\\.gitconfig$'");

    /** @return the remotes this gate serves */
    public List<GitRemote> remotes() {
        return remotes;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            http.close();
        } finally {
            gates.forEach(RemoteGate::close);
        }
    }

    @Override
    public String toString() {
        return "GitGate[" + slug + ", port " + http.port() + "]";
    }

    private static String loadOrCreateSecret(Path dir) {
        Path file = dir.resolve("secret");
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            if (Files.isRegularFile(file)) {
                return Files.readString(file, StandardCharsets.US_ASCII).strip();
            }
            byte[] raw = new byte[24];
            new SecureRandom().nextBytes(raw);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------"))), secret, StandardCharsets.US_ASCII);
            return secret;
        } catch (IOException e) {
            throw new GateException("cannot keep the git gate's secret in " + dir + ": " + e.getMessage(), e);
        }
    }
}
