package dev.botbottle.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One declarative provisioning step, applied inside a bottle by the runtime's provisioning engine through
 * {@link Bottle#exec} and {@link Bottle#copyIn}, batched where it can.
 *
 * <p>Paths in the bottle are absolute, or start with {@code ~/} for the agent user's home. Steps are applied in
 * order; a failing step fails the launch unless it is an {@link RunCommand#optional() optional} command.
 *
 * @since 0.1
 */
public sealed interface ProvisionStep {

    /**
     * Writes a file, creating parent directories (owned like the file when created under the agent's home).
     *
     * @param path where in the bottle
     * @param content the bytes
     * @param mode permission bits, e.g. {@code 0644}
     * @param owner the owner
     */
    record WriteFile(String path, byte[] content, int mode, FileOwner owner) implements ProvisionStep {
        public WriteFile {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(owner, "owner");
            content = content.clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }

        @Override
        public String toString() {
            return "WriteFile[" + path + ", " + content.length + " bytes, " + Integer.toOctalString(mode) + ", " + owner + "]";
        }
    }

    /**
     * Copies a host file or directory into the bottle, replacing whatever was at {@code target}.
     *
     * @param source a host file or directory
     * @param target where in the bottle
     * @param owner the owner of everything copied
     * @param mode permission bits of copied files
     */
    record CopyPath(Path source, String target, FileOwner owner, int mode) implements ProvisionStep {
        public CopyPath {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(owner, "owner");
        }
    }

    /**
     * Copies a host directory tree into the bottle keeping file modes and the links that stay inside it
     * ({@link Bottle#copyTree}); the workspace is copied this way.
     *
     * @param source a host directory
     * @param target where in the bottle
     * @param owner the owner of everything copied
     * @since 0.2
     */
    record CopyTree(Path source, String target, FileOwner owner) implements ProvisionStep {
        public CopyTree {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(owner, "owner");
        }
    }

    /**
     * Sets an environment variable for every agent session and exec in the bottle. Values are not secret (a
     * placeholder, a path); secrets never go through this step.
     *
     * @param name the variable
     * @param value its value
     */
    record SetEnv(String name, String value) implements ProvisionStep {
        public SetEnv {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * Runs a command.
     *
     * @param argv program and arguments
     * @param owner who runs it: the agent user or root
     * @param optional when true a failure is logged and provisioning goes on
     * @param description what the command does, for progress and errors
     */
    record RunCommand(List<String> argv, FileOwner owner, boolean optional, String description) implements ProvisionStep {
        public RunCommand {
            argv = List.copyOf(argv);
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(description, "description");
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("argv must not be empty");
            }
        }
    }

    /**
     * Installs a CA certificate into the bottle's trust store (Debian layout:
     * {@code /usr/local/share/ca-certificates/<name>.crt}, linked and appended to the system bundle as
     * {@code update-ca-certificates} would, without rebuilding the rest; the full command runs where the image keeps
     * further stores through update hooks).
     *
     * @param name a file-name-safe name for the certificate
     * @param pem the certificate in PEM form
     */
    record TrustCertificate(String name, String pem) implements ProvisionStep {
        /**
         * The system bundle a Debian-based bottle's clients read, which {@code update-ca-certificates} rewrites; point
         * a CLI's own CA variable here to make it trust what the bottle trusts.
         *
         * @since 0.2
         */
        public static final String SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

        public TrustCertificate {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(pem, "pem");
        }
    }
}
