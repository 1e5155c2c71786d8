package dev.botbottle.spi;

import java.io.InputStream;
import java.io.OutputStream;

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
