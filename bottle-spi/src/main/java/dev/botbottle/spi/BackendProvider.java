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

    /**
     * Checks, for {@code bottle doctor}, everything this backend needs on this host: the engine and its version, the
     * isolation it can put in force, and whether the given images are there (or can be built). Read-only. The
     * default reports {@link #availability()} only.
     *
     * @param context home and options, as for {@link #create}
     * @param images the images the installed agent providers and the default bottle would use
     * @return the findings, in the order a person should read them
     * @since 0.2
     */
    default java.util.List<Diagnostic> diagnose(BackendContext context, java.util.List<ImageSpec> images) {
        Availability a = availability();
        return java.util.List.of(a.isAvailable() ? Diagnostic.ok("backend " + name(), "available")
                : Diagnostic.problem("backend " + name(), a.reason(), "see the reason; `bottle doctor` again after"));
    }

    /**
     * Opens the records this backend keeps where other hosts read them (the Kubernetes backend: a ConfigMap per bottle
     * in its namespace), for a runtime whose bottles' state should outlive this host ({@code bottle --state-records
     * kubernetes}). The default has none.
     *
     * @param context home and options, as for {@link #create}; the options say where the records live
     * @return the records, which the caller closes; empty when this backend keeps none
     * @throws BackendException when the backend has such records but cannot reach them
     * @since 0.4
     */
    default java.util.Optional<StateRecords> stateRecords(BackendContext context) {
        return java.util.Optional.empty();
    }
}
