package dev.botbottle.spi;

/**
 * A kind of backend, found with {@link java.util.ServiceLoader} and selected by {@link #name()}
 * ({@code --backend docker}).
 *
 * @since 0.1
 */
public interface BackendProvider {

    /** @return the backend's name, e.g. {@code docker}; lower case, stable */
    String name();

    /**
     * Checks, quickly and without side effects, whether this backend can run bottles on this host.
     *
     * @return available, or why not ("docker binary not found on PATH", "the Docker daemon does not answer: ...")
     */
    Availability availability();

    /**
     * @param context home, progress listener and options
     * @return a backend ready to use
     */
    BottleBackend create(BackendContext context);
}
