package dev.botbottle.spi;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Runs a bottle's {@link GatewayProgram} somewhere other than the runtime's JVM: as a process of this host
 * ({@link dev.botbottle.spi.support.HostProcessGatewayRunner}), or in the backend's own engine (a container on the
 * bottle's network, a sidecar). A {@link BottleBackend} offers one through {@link BottleBackend#gatewayRunner}; the
 * {@link GatewayLauncher} calls it.
 *
 * @since 0.3
 */
public interface GatewayRunner {

    /**
     * Starts the program and returns once its standard input is open. The caller writes the program's configuration
     * and credentials there and keeps it open for as long as the gateway should live.
     *
     * @param program the program
     * @return the running program
     * @throws BackendException when it cannot be started
     */
    Running start(GatewayProgram program);

    /**
     * Where the program sees this host's files when it runs where they are not (a sidecar in a cluster, a machine of
     * its own). Empty (the default): the program shares this host's file system; its state and control directories
     * and its read-only files are at their host paths, and the runtime connects to its control socket there.
     *
     * <p>Present: the runner puts each of the program's {@link GatewayProgram#readOnlyFiles()} at {@code root} plus
     * its host path ({@code /var/lib/bot-bottle} and {@code /home/u/key} make {@code /var/lib/bot-bottle/home/u/key})
     * and gives the program a writable directory at {@code root} plus its {@link GatewayProgram#stateDirectory()};
     * the launcher writes those paths into the program's configuration, and carries the control channel over the
     * program's standard input and output once it is ready, since this host cannot reach the program's socket.
     *
     * @return the program's view of this host's paths, if it does not share them
     * @since 0.3
     */
    default Optional<Path> programRoot() {
        return Optional.empty();
    }

    /**
     * @param root a {@link #programRoot()}
     * @param hostPath a path of this host
     * @return where the program sees it: {@code root} plus the absolute host path
     * @since 0.3
     */
    static Path placed(Path root, Path hostPath) {
        String absolute = hostPath.toAbsolutePath().normalize().toString();
        return root.resolve(absolute.substring(absolute.indexOf('/') + 1));
    }

    /** One running gateway program. Closing it ends the program. */
    interface Running extends AutoCloseable {

        /** @return the program's standard input: configuration and credentials, then kept open as its lifeline */
        OutputStream stdin();

        /** @return the program's standard output: it announces there that it is ready */
        InputStream stdout();

        /** @return the id of the local process behind it (the program, or the engine client attached to it) */
        long pid();

        /** @return whether it still runs */
        boolean isAlive();

        /** @return the last lines the program wrote to its log, for an error message (no secret is ever logged) */
        default String logTail() {
            return "";
        }

        /** Ends the program: its standard input is closed, and it is killed if it does not end soon; idempotent. */
        @Override
        void close();
    }
}
