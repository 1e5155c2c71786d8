package dev.botbottle.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link GatewayServiceProvider} needs to start a service for one bottle: a serialisable configuration
 * derived from the plan, plus where to bind and how to resolve credentials.
 *
 * @param slug the bottle
 * @param bindAddress the host address to listen on (an IP literal)
 * @param port the port to listen on; 0 for an ephemeral port (a resumed bottle asks for its previous port)
 * @param stateDir the bottle's state directory (CA, audit log live there)
 * @param routes the egress routes (manifest and provider merged)
 * @param remotes the git remotes the gate brokers; a remote with a provisioned key arrives with
 *                {@link GitRemote#identity()} set to the file of the key the runtime generated at prepare
 * @param credentials resolves route and key credentials
 * @param extraCaFiles host files of extra CA certificates upstream TLS should trust
 * @param progress receives progress
 * @param proposals where the supervise server files the agent's proposals ({@link ProposalDesk#NONE} when no
 *                  runtime takes them); other services ignore it
 * @since 0.1
 * @see #builder(String) the way to make one (ADR 11)
 */
public record GatewayRequest(String slug, String bindAddress, int port, Path stateDir, List<EgressRoute> routes,
                             List<GitRemote> remotes, CredentialSource credentials, List<Path> extraCaFiles,
                             ProgressListener progress, ProposalDesk proposals) {
    public GatewayRequest {
        Objects.requireNonNull(proposals, "proposals");
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(progress, "progress");
        routes = List.copyOf(routes);
        remotes = List.copyOf(remotes);
        extraCaFiles = List.copyOf(extraCaFiles);
    }

    /**
     * The request without a proposal desk ({@link ProposalDesk#NONE}), as before the desk existed.
     *
     * @param slug the bottle
     * @param bindAddress the host address to listen on
     * @param port the port, 0 for an ephemeral one
     * @param stateDir the bottle's state directory
     * @param routes the egress routes
     * @param remotes the git remotes
     * @param credentials resolves credentials
     * @param extraCaFiles extra CA files for upstream TLS
     * @param progress receives progress
     */
    public GatewayRequest(String slug, String bindAddress, int port, Path stateDir, List<EgressRoute> routes,
                          List<GitRemote> remotes, CredentialSource credentials, List<Path> extraCaFiles,
                          ProgressListener progress) {
        this(slug, bindAddress, port, stateDir, routes, remotes, credentials, extraCaFiles, progress, ProposalDesk.NONE);
    }

    /**
     * @param slug the bottle
     * @return a builder: bind {@code 127.0.0.1}, ephemeral port, no routes, no remotes, no credentials, no progress;
     *         the state directory must be set
     * @since 0.2
     */
    public static Builder builder(String slug) {
        return new Builder(slug);
    }

    /** @return a builder holding this request's values @since 0.2 */
    public Builder toBuilder() {
        return new Builder(slug).bindAddress(bindAddress).port(port).stateDir(stateDir).routes(routes).remotes(remotes)
                .credentials(credentials).extraCaFiles(extraCaFiles).progress(progress).proposals(proposals);
    }

    /** @param newPort the port to listen on @return a copy listening on {@code newPort} @since 0.2 */
    public GatewayRequest withPort(int newPort) {
        return toBuilder().port(newPort).build();
    }

    /**
     * Makes a {@link GatewayRequest}.
     *
     * @since 0.2
     */
    public static final class Builder {
        private final String slug;
        private String bindAddress = "127.0.0.1";
        private int port;
        private Path stateDir;
        private List<EgressRoute> routes = List.of();
        private List<GitRemote> remotes = List.of();
        private CredentialSource credentials = CredentialSource.none();
        private List<Path> extraCaFiles = List.of();
        private ProgressListener progress = ProgressListener.NONE;
        private ProposalDesk proposals = ProposalDesk.NONE;

        private Builder(String slug) {
            this.slug = Objects.requireNonNull(slug, "slug");
        }

        /** @param value the host address to listen on (an IP literal) @return this builder */
        public Builder bindAddress(String value) {
            this.bindAddress = Objects.requireNonNull(value, "bindAddress");
            return this;
        }

        /** @param value the port; 0 for an ephemeral one @return this builder */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /** @param value the bottle's state directory @return this builder */
        public Builder stateDir(Path value) {
            this.stateDir = Objects.requireNonNull(value, "stateDir");
            return this;
        }

        /** @param value the egress routes @return this builder */
        public Builder routes(List<EgressRoute> value) {
            this.routes = List.copyOf(value);
            return this;
        }

        /** @param value the git remotes @return this builder */
        public Builder remotes(List<GitRemote> value) {
            this.remotes = List.copyOf(value);
            return this;
        }

        /** @param value resolves route and key credentials @return this builder */
        public Builder credentials(CredentialSource value) {
            this.credentials = Objects.requireNonNull(value, "credentials");
            return this;
        }

        /** @param value host files of extra CA certificates upstream TLS trusts @return this builder */
        public Builder extraCaFiles(List<Path> value) {
            this.extraCaFiles = List.copyOf(value);
            return this;
        }

        /** @param value receives progress @return this builder */
        public Builder progress(ProgressListener value) {
            this.progress = Objects.requireNonNull(value, "progress");
            return this;
        }

        /** @param value where the supervise server files proposals @return this builder */
        public Builder proposals(ProposalDesk value) {
            this.proposals = Objects.requireNonNull(value, "proposals");
            return this;
        }

        /** @return the request */
        public GatewayRequest build() {
            return new GatewayRequest(slug, bindAddress, port, stateDir, routes, remotes, credentials, extraCaFiles,
                    progress, proposals);
        }
    }
}
