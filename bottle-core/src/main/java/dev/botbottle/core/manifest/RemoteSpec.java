package dev.botbottle.core.manifest;

import dev.botbottle.spi.GitPushPolicy;
import dev.botbottle.spi.GitRemote;
import dev.botbottle.spi.ProvisionedKeySpec;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A git remote as declared by one bottle file, possibly partial: a child may override single fields of a
 * parent's remote of the same name. {@link #identity} and {@link #provisionedKey} count as one field (the key);
 * {@link #push} is one field too (a child's {@code push} block replaces the parent's).
 */
record RemoteSpec(String name, Optional<String> url, Optional<Path> identity,
                  Optional<ProvisionedKeySpec> provisionedKey, Optional<String> hostKey,
                  Optional<GitPushPolicy> push, Path file, String keyPath, int line) {

    /** @return this remote's declared fields over {@code base}'s; the location becomes this one's */
    RemoteSpec over(RemoteSpec base) {
        boolean ownKey = identity.isPresent() || provisionedKey.isPresent();
        return new RemoteSpec(name, url.or(base::url), ownKey ? identity : base.identity(),
                ownKey ? provisionedKey : base.provisionedKey(), hostKey.or(base::hostKey), push.or(base::push), file,
                keyPath, line);
    }

    /** @return the complete remote, or empty after reporting what is missing to {@code problems} */
    Optional<GitRemote> complete(java.util.List<ManifestProblem> problems) {
        int before = problems.size();
        if (url.isEmpty()) {
            problems.add(ManifestProblem.error(file, keyPath, line, "url is required"
                    + " (ssh://git@host[:port]/owner/repo.git or git@host:owner/repo.git)"));
        }
        if (identity.isEmpty() && provisionedKey.isEmpty()) {
            problems.add(ManifestProblem.error(file, keyPath, line, "one of identity (a private key file on the"
                    + " host) or provisioned_key (a per-bottle deploy key) is required"));
        }
        if (hostKey.isEmpty()) {
            problems.add(ManifestProblem.error(file, keyPath, line, "host_key is required: the git gate pins the"
                    + " upstream's SSH host key and fails closed without one (no trust on first use); get it with"
                    + " 'ssh-keyscan -t ed25519 <host>'"));
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new GitRemote(name, url.get(), identity, provisionedKey, hostKey.get(),
                push.orElse(GitPushPolicy.DEFAULTS)));
    }
}
