package dev.botbottle.core.manifest;

import dev.botbottle.core.manifest.YamlTree.Entry;
import dev.botbottle.core.manifest.YamlTree.MapNode;
import dev.botbottle.core.manifest.YamlTree.Node;
import dev.botbottle.core.manifest.YamlTree.Scalar;
import dev.botbottle.core.manifest.YamlTree.ScalarType;
import dev.botbottle.spi.GitPushPolicy;
import dev.botbottle.spi.ProvisionedKeySpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Parses {@code git.user} and {@code git.remotes}. */
final class GitParser {
    static final Pattern REMOTE_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]*$");
    /** {@code ssh://[user@]host[:port]/path}. */
    static final Pattern SSH_URL = Pattern.compile(
            "^ssh://([^@/\\s:]+@)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\\d{1,5})?/\\S+$");
    /** scp-like {@code [user@]host:path}. */
    static final Pattern SCP_URL = Pattern.compile(
            "^([^@/\\s:]+@)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?:(?!//)[^\\s:]\\S*$");
    /** A public key as in {@code known_hosts}: type, base64 blob, optional comment. */
    static final Pattern HOST_KEY = Pattern.compile(
            "^(ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9-]+|sk-[a-z0-9@.-]+)\\s+[A-Za-z0-9+/]+={0,3}(\\s+\\S.*)?$");

    private final NodeReader r;
    private final Path userHome;

    GitParser(NodeReader r, Path userHome) {
        this.r = r;
        this.userHome = userHome;
    }

    /** Parses {@code user: {name, email}}; blank fields count as absent. */
    Optional<GitUser> user(Node node, String path) {
        Optional<MapNode> m = r.map(node, path);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        r.checkKeys(m.get(), path, Keys.GIT_USER);
        Map<String, Entry> e = m.get().entries();
        Optional<String> name = e.containsKey("name") ? r.string(e.get("name").value(), path + ".name")
                : Optional.empty();
        Optional<String> email = e.containsKey("email") ? r.string(e.get("email").value(), path + ".email")
                : Optional.empty();
        email.filter(s -> !s.isBlank() && (!s.contains("@") || s.contains("<") || s.contains(">")))
                .ifPresent(s -> r.error(path + ".email", e.get("email").value(),
                        "expected an email address such as ada@example.com (without angle brackets)"));
        return Optional.of(new GitUser(name, email));
    }

    /** Parses {@code remotes: {<name>: {...}}}; an empty mapping is kept (it clears the parents' remotes). */
    Map<String, RemoteSpec> remotes(Node node, String path) {
        if (node instanceof Scalar s && s.type() == ScalarType.NULL) {
            return Map.of();
        }
        Optional<MapNode> m = r.map(node, path);
        if (m.isEmpty()) {
            return null;
        }
        Map<String, RemoteSpec> out = new LinkedHashMap<>();
        for (Entry e : m.get().entries().values()) {
            String rp = KeyPaths.child(path, e.key());
            if (!REMOTE_NAME.matcher(e.key()).matches()) {
                r.problems().error(rp, e.keyLine(), "'" + KeyPaths.display(e.key()) + "' is not a valid remote name"
                        + " (must match " + REMOTE_NAME.pattern() + ")");
                continue;
            }
            remote(e.key(), e.value(), rp, e.keyLine()).ifPresent(spec -> out.put(e.key(), spec));
        }
        return out;
    }

    private Optional<RemoteSpec> remote(String name, Node node, String path, int line) {
        Optional<MapNode> m = r.map(node, path);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        r.checkKeys(m.get(), path, Keys.REMOTE);
        Map<String, Entry> e = m.get().entries();
        Optional<String> url = Optional.empty();
        if (e.containsKey("url")) {
            Node u = e.get("url").value();
            url = r.nonBlank(u, path + ".url");
            if (url.isPresent() && !SSH_URL.matcher(url.get()).matches() && !SCP_URL.matcher(url.get()).matches()) {
                // never quote the URL: it may carry a credential
                r.error(path + ".url", u, "expected an SSH URL such as ssh://git@host[:port]/owner/repo.git or"
                        + " git@host:owner/repo.git (the git gate reaches upstream over SSH)");
                url = Optional.empty();
            }
        }
        Optional<Path> identity = Optional.empty();
        if (e.containsKey("identity")) {
            identity = r.hostPath(e.get("identity").value(), path + ".identity", userHome,
                    "the private key file on the host");
        }
        Optional<ProvisionedKeySpec> provisioned = Optional.empty();
        if (e.containsKey("provisioned_key")) {
            provisioned = provisionedKey(e.get("provisioned_key").value(), path + ".provisioned_key");
        }
        if (e.containsKey("identity") && e.containsKey("provisioned_key")) {
            r.problems().error(path, line, "identity and provisioned_key are mutually exclusive: use either a static"
                    + " key on the host (identity) or a per-bottle deploy key (provisioned_key)");
            identity = Optional.empty();
            provisioned = Optional.empty();
        }
        Optional<String> hostKey = Optional.empty();
        if (e.containsKey("host_key")) {
            Node h = e.get("host_key").value();
            hostKey = r.nonBlank(h, path + ".host_key").map(String::strip);
            if (hostKey.isPresent() && !HOST_KEY.matcher(hostKey.get()).matches()) {
                r.error(path + ".host_key", h, "expected a public host key as in known_hosts, e.g."
                        + " 'ssh-ed25519 AAAAC3Nza...' (get it with 'ssh-keyscan -t ed25519 <host>')");
                hostKey = Optional.empty();
            }
        }
        Optional<GitPushPolicy> push = e.containsKey("push") ? push(e.get("push").value(), path + ".push")
                : Optional.empty();
        return Optional.of(new RemoteSpec(name, url, identity, provisioned, hostKey, push, r.problems().file(), path,
                line));
    }

    /** Parses {@code push: {protected_branches, allowed_branches, max_size}}. */
    private Optional<GitPushPolicy> push(Node node, String path) {
        Optional<MapNode> m = r.map(node, path);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        r.checkKeys(m.get(), path, Keys.PUSH);
        Map<String, Entry> e = m.get().entries();
        GitPushPolicy policy = GitPushPolicy.DEFAULTS;
        String what = "a branch name or pattern such as main or agent/* (without refs/heads/)";
        if (e.containsKey("protected_branches")) {
            policy = policy.withProtectedBranches(branches(e.get("protected_branches").value(),
                    path + ".protected_branches", what));
        }
        if (e.containsKey("allowed_branches")) {
            policy = policy.withAllowedBranches(branches(e.get("allowed_branches").value(),
                    path + ".allowed_branches", what));
        }
        if (e.containsKey("max_size")) {
            policy = policy.withMaxPushBytes(r.size(e.get("max_size").value(), path + ".max_size").orElse(0L));
        }
        return Optional.of(policy);
    }

    private java.util.List<String> branches(Node node, String path, String what) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String p : r.names(node, path, GitPushPolicy.BRANCH_PATTERN, what).orElse(java.util.List.of())) {
            if (p.startsWith("refs/")) {
                r.error(path, node, "'" + p + "' names a ref: write the branch name only (e.g. main, not"
                        + " refs/heads/main)");
            } else if (p.startsWith("/") || p.endsWith("/") || p.contains("//") || p.contains("..")) {
                r.error(path, node, "'" + p + "' is not " + what);
            } else {
                out.add(p);
            }
        }
        return out;
    }

    private Optional<ProvisionedKeySpec> provisionedKey(Node node, String path) {
        Optional<MapNode> m = r.map(node, path);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Entry> e = m.get().entries();
        if (!e.containsKey("provider")) {
            r.error(path, node, "provider is required (the deploy-key provisioner, e.g. gitea)");
            return Optional.empty();
        }
        Optional<String> provider = r.matching(e.get("provider").value(), path + ".provider", Keys.NAME,
                "a provisioner name", true);
        Map<String, String> settings = new LinkedHashMap<>();
        boolean ok = provider.isPresent();
        for (Entry x : e.values()) {
            if (x.key().equals("provider")) {
                continue;
            }
            if (x.value() instanceof Scalar s && s.type() != ScalarType.NULL) {
                settings.put(x.key(), s.text());
            } else {
                r.error(KeyPaths.child(path, x.key()), x.value(), "a provisioner setting must be a string, got "
                        + x.value().describe());
                ok = false;
            }
        }
        return ok ? Optional.of(new ProvisionedKeySpec(provider.get(), settings)) : Optional.empty();
    }
}
