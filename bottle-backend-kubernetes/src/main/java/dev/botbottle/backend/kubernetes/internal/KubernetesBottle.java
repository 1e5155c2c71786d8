package dev.botbottle.backend.kubernetes.internal;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.HostCommand;
import dev.botbottle.spi.support.CopiedTrees;
import dev.botbottle.spi.support.HostFiles;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A running bottle: its agent container, reached through the exec subresource. Commands run as the container's
 * user, uid 1000; nothing runs as root (the Pod's security context forbids it), so a request for another user and
 * a root-owned copy are refused with the reason.
 */
final class KubernetesBottle implements Bottle {

    private static final java.time.Duration COPY_TIMEOUT = java.time.Duration.ofMinutes(30);

    private final String slug;
    private final String namespace;
    private final String user;
    private final String home;
    private final PodExec exec;
    private final String kubectl;

    KubernetesBottle(String slug, String namespace, String user, String home, PodExec exec, String kubectl) {
        this.slug = slug;
        this.namespace = namespace;
        this.user = user;
        this.home = home;
        this.exec = exec;
        this.kubectl = kubectl;
    }

    @Override
    public String slug() {
        return slug;
    }

    @Override
    public String agentUser() {
        return user;
    }

    @Override
    public String agentHome() {
        return home;
    }

    /** @return false: the Pod runs as uid 1000 only, so the runtime provisions it as the agent user */
    @Override
    public boolean hasRoot() {
        return false;
    }

    private void checkUser(ExecRequest request) {
        Optional<String> who = request.user();
        if (who.isPresent() && !who.get().equals(user) && !who.get().equals(Long.toString(Manifests.AGENT_UID))) {
            throw new BackendException("the kubernetes backend runs bottle " + slug + " as " + user + " (uid "
                    + Manifests.AGENT_UID + ", runAsNonRoot) only: it cannot run " + request.argv().get(0) + " as '"
                    + who.get() + "'; put what needs another user into the image");
        }
    }

    @Override
    public ExecResult exec(ExecRequest request) {
        checkUser(request);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = exec.run(request, Optional.empty(), out, err);
        return new ExecResult(code, out.toByteArray(), err.toByteArray());
    }

    @Override
    public int stream(ExecRequest request, OutputStream stdout, OutputStream stderr) {
        checkUser(request);
        return exec.run(request, Optional.empty(), stdout, stderr);
    }

    /**
     * {@code kubectl exec -it}: the secret values are in the host command's environment only; a first, non-interactive
     * {@code kubectl exec -i} carries them on its standard input (printf is a shell builtin, so no value is on a
     * command line) into a file of the agent's (mode 0600) that the interactive command reads and removes.
     */
    @Override
    public HostCommand attachCommand(ExecRequest request) {
        checkUser(request);
        PodExec.header(request, -1); // refuses environment names that are no shell names
        // the Pod's own name: a Sandbox claimed from a warm pool has its pool's name, not the bottle's
        String pod = exec.pod();
        String target = " -n " + namespace + " " + pod + " -c " + Names.AGENT_CONTAINER + " -- ";
        String file = "/tmp/.bot-bottle-env-" + Long.toHexString(new java.security.SecureRandom().nextLong());
        Map<String, String> env = new TreeMap<>(request.env());
        StringBuilder script = new StringBuilder("set -e\nk=$0; w=$1; shift\n{ :; ");
        for (String k : env.keySet()) {
            script.append("printf '%s ' ").append(k).append("; printf %s \"$").append(k)
                    .append("\" | base64 | tr -d '\\n'; echo; ");
        }
        script.append("} | \"$k\" exec -i").append(target).append("sh -c 'umask 077; cat > \"$0\"' ").append(file)
                .append('\n');
        String inside = "while read -r k v; do x=$(printf %s \"$v\" | base64 -d; printf x); export \"$k=${x%x}\"; "
                + "done < \"$0\"; rm -f \"$0\"; cd \"$1\" 2>/dev/null || cd; shift; exec \"$@\"";
        script.append("exec \"$k\" exec -i -t").append(target).append("sh -c '").append(inside).append("' ")
                .append(file).append(" \"$w\" \"$@\"\n");
        List<String> argv = new ArrayList<>(List.of("sh", "-c", script.toString(), kubectl,
                request.workdir().orElse(home)));
        argv.addAll(request.argv());
        return new HostCommand(argv, env);
    }

    @Override
    public void copyIn(Path source, String target, FileOwner owner, int mode) {
        copy(source, target, owner, mode, false);
    }

    @Override
    public void copyTree(Path source, String target, FileOwner owner) {
        copy(source, target, owner, -1, true);
    }

    private void copy(Path source, String target, FileOwner owner, int mode, boolean tree) {
        if (owner == FileOwner.ROOT) {
            throw new BackendException("the kubernetes backend runs bottle " + slug + " as uid " + Manifests.AGENT_UID
                    + " only (runAsNonRoot): it cannot place a root-owned " + target + "; put it into the image");
        }
        if (!target.startsWith("/") || target.equals("/")) {
            throw new BackendException("copy target '" + target + "' must be an absolute path below /");
        }
        String parent = target.substring(0, Math.max(1, target.lastIndexOf('/')));
        String name = target.substring(target.lastIndexOf('/') + 1);
        Path tar = null;
        try {
            tar = Files.createTempFile("bot-bottle-k8s-copy-", ".tar");
            try (OutputStream out = Files.newOutputStream(tar)) {
                Tars.write(source, name, out, mode, tree);
            }
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code;
            try (InputStream in = Files.newInputStream(tar)) {
                code = exec.run(ExecRequest.of("sh", "-c", "mkdir -p \"$0\" && tar -x -p -f - -C \"$0\"", parent)
                        .withTimeout(COPY_TIMEOUT), Optional.of(new PodExec.Input(in, Files.size(tar))),
                        OutputStream.nullOutputStream(), err);
            }
            if (code != 0) {
                throw new BackendException("could not copy " + source + " to " + target + " in bottle " + slug + ": "
                        + err.toString(java.nio.charset.StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new BackendException("could not copy " + source + " to " + target + " in bottle " + slug + ": " + e, e);
        } finally {
            deleteQuietly(tar);
        }
    }

    @Override
    public void copyOut(String source, Path target) {
        if (!source.startsWith("/") || source.equals("/")) {
            throw new BackendException("copy source '" + source + "' must be an absolute path below /");
        }
        String parent = source.substring(0, Math.max(1, source.lastIndexOf('/')));
        String name = source.substring(source.lastIndexOf('/') + 1);
        Path staging = null;
        Path tar = null;
        try {
            // staged beside the target, so the final move is a rename on one file system
            Path parentDir = target.toAbsolutePath().getParent();
            Files.createDirectories(parentDir);
            staging = Files.createTempDirectory(parentDir, ".bot-bottle-copy-");
            tar = Files.createTempFile("bot-bottle-k8s-out-", ".tar");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code;
            try (OutputStream out = Files.newOutputStream(tar)) {
                code = exec.run(ExecRequest.of("tar", "-c", "-f", "-", "-C", parent, "--", name)
                        .withTimeout(COPY_TIMEOUT), Optional.empty(), out, err);
            }
            if (code != 0) {
                throw new BackendException("could not copy " + source + " out of bottle " + slug + ": "
                        + err.toString(java.nio.charset.StandardCharsets.UTF_8).strip());
            }
            try (InputStream in = Files.newInputStream(tar)) {
                Tars.extract(in, staging, "copy of " + source + " out of bottle " + slug);
            }
            Path staged = staging.resolve(name);
            CopiedTrees.check(staged, source, slug);
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BackendException("could not copy " + source + " out of bottle " + slug + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(tar);
            if (staging != null) {
                try {
                    HostFiles.deleteTree(staging);
                } catch (IOException ignored) {
                    // a temporary directory; the next clean of the temp area takes it
                }
            }
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temporary file
            }
        }
    }
}
