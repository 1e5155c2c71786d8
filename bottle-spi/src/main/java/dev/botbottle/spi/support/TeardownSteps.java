package dev.botbottle.spi.support;

import dev.botbottle.spi.BackendException;

/**
 * Runs the steps of a backend's teardown so that one failing step does not stop the others: {@link #finish()}
 * rethrows the first failure (as a {@link BackendException} naming its step) with every later one attached as
 * suppressed, so teardown fails loudly, loses no failure, and still removes everything it can.
 *
 * <pre>{@code
 * TeardownSteps steps = new TeardownSteps(slug);
 * steps.run("remove container " + name, () -> engine.remove(name));
 * steps.run("remove network " + network, () -> engine.removeNetwork(network));
 * steps.finish();
 * }</pre>
 *
 * Not thread-safe: one teardown, one thread.
 *
 * @since 0.1
 */
public final class TeardownSteps {

    private final String slug;
    private BackendException first;

    /** @param slug the bottle being torn down, named in log lines and the error */
    public TeardownSteps(String slug) {
        this.slug = slug;
    }

    /**
     * Runs one step; a failure is remembered, never thrown here.
     *
     * @param step what the step does, as a verb phrase ("remove network bb-x")
     * @param action the step
     */
    public void run(String step, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            BackendException failure = new BackendException("teardown of bottle '" + slug + "' could not " + step + ": "
                    + e.getMessage(), e);
            if (first == null) {
                first = failure;
            } else {
                first.addSuppressed(failure);
            }
        }
    }

    /** @throws BackendException the first failure of the steps run so far, the later ones suppressed in it */
    public void finish() {
        if (first != null) {
            throw first;
        }
    }
}
