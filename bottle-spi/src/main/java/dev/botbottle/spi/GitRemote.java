package dev.botbottle.spi;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A git remote the git gate brokers for the bottle.
 *
 * <p>Exactly one of {@link #identity()} (a static private key on the host) and {@link #provisionedKey()} (a
 * deploy key created through a forge API at prepare and revoked at teardown) is present. The upstream host key
 * is pinned; there is no trust on first use.
 *
 * @param name the remote's local name, e.g. {@code origin}
 * @param url the upstream URL, {@code ssh://user@host[:port]/path} or {@code user@host:path}
 * @param identity the host path of the private key the gate uses
 * @param provisionedKey how to provision a per-bottle deploy key instead
 * @param hostKey the upstream's SSH host public key, as in {@code known_hosts} ({@code ssh-ed25519 AAAA...})
 * @param push what the bottle may push (protected and allowed branches, size); {@code null} means
 *             {@link GitPushPolicy#DEFAULTS} (since 0.2)
 * @since 0.1
 * @see #builder(String, String) the way to make one (ADR 11)
 */
public record GitRemote(String name, String url, Optional<Path> identity, Optional<ProvisionedKeySpec> provisionedKey,
                        String hostKey, GitPushPolicy push) {

    public GitRemote {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(provisionedKey, "provisionedKey");
        Objects.requireNonNull(hostKey, "hostKey");
        push = push != null ? push : GitPushPolicy.DEFAULTS;
        if (identity.isPresent() == provisionedKey.isPresent()) {
            throw new IllegalArgumentException("remote " + name + ": exactly one of identity and provisioned_key is required");
        }
        if (hostKey.isBlank()) {
            throw new IllegalArgumentException("remote " + name + ": host_key is required (no trust on first use)");
        }
    }

    /**
     * A remote with the default push policy (the shape of 0.1).
     *
     * @param name the remote's local name
     * @param url the upstream URL
     * @param identity the host path of the private key the gate uses
     * @param provisionedKey how to provision a per-bottle deploy key instead
     * @param hostKey the upstream's pinned SSH host public key
     */
    public GitRemote(String name, String url, Optional<Path> identity, Optional<ProvisionedKeySpec> provisionedKey,
                     String hostKey) {
        this(name, url, identity, provisionedKey, hostKey, GitPushPolicy.DEFAULTS);
    }

    /**
     * @param name the remote's local name
     * @param url the upstream URL
     * @return a builder; a host key and exactly one of identity and provisioned key must be set
     * @since 0.2
     */
    public static Builder builder(String name, String url) {
        return new Builder(name, url);
    }

    /** @return a builder holding this remote's values @since 0.2 */
    public Builder toBuilder() {
        Builder b = new Builder(name, url).hostKey(hostKey).push(push);
        b.identity = identity;
        b.provisionedKey = provisionedKey;
        return b;
    }

    /** @return the upstream host name parsed from {@link #url()} */
    public String upstreamHost() {
        return parse().host();
    }

    /** @return the upstream SSH port parsed from {@link #url()}, 22 when the URL names none */
    public int upstreamPort() {
        return parse().port();
    }

    private HostPort parse() {
        String rest = url;
        int port = 22;
        if (rest.startsWith("ssh://")) {
            rest = rest.substring("ssh://".length());
            int slash = rest.indexOf('/');
            String authority = slash < 0 ? rest : rest.substring(0, slash);
            int at = authority.lastIndexOf('@');
            String hostPort = at < 0 ? authority : authority.substring(at + 1);
            int colon = hostPort.lastIndexOf(':');
            if (colon > 0) {
                port = Integer.parseInt(hostPort.substring(colon + 1));
                hostPort = hostPort.substring(0, colon);
            }
            return new HostPort(hostPort, port);
        }
        int at = rest.indexOf('@');
        int colon = rest.indexOf(':', at + 1);
        return new HostPort(rest.substring(at + 1, colon < 0 ? rest.length() : colon), port);
    }

    private record HostPort(String host, int port) { }

    /**
     * Makes a {@link GitRemote}.
     *
     * @since 0.2
     */
    public static final class Builder {
        private final String name;
        private final String url;
        private Optional<Path> identity = Optional.empty();
        private Optional<ProvisionedKeySpec> provisionedKey = Optional.empty();
        private String hostKey = "";
        private GitPushPolicy push = GitPushPolicy.DEFAULTS;

        private Builder(String name, String url) {
            this.name = Objects.requireNonNull(name, "name");
            this.url = Objects.requireNonNull(url, "url");
        }

        /** @param value the host path of the private key the gate uses @return this builder */
        public Builder identity(Path value) {
            this.identity = Optional.of(value);
            this.provisionedKey = Optional.empty();
            return this;
        }

        /** @param value how to provision a per-bottle deploy key @return this builder */
        public Builder provisionedKey(ProvisionedKeySpec value) {
            this.provisionedKey = Optional.of(value);
            this.identity = Optional.empty();
            return this;
        }

        /** @param value the pinned upstream host key, as in {@code known_hosts} @return this builder */
        public Builder hostKey(String value) {
            this.hostKey = Objects.requireNonNull(value, "hostKey");
            return this;
        }

        /** @param value the push policy (default {@link GitPushPolicy#DEFAULTS}) @return this builder @since 0.2 */
        public Builder push(GitPushPolicy value) {
            this.push = Objects.requireNonNull(value, "push");
            return this;
        }

        /**
         * @return the remote
         * @throws IllegalArgumentException when no host key or neither key source is set
         */
        public GitRemote build() {
            return new GitRemote(name, url, identity, provisionedKey, hostKey, push);
        }
    }
}
