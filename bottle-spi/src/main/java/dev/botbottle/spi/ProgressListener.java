package dev.botbottle.spi;

/**
 * Observes long steps (image build, network creation, provisioning) so a host can show progress.
 *
 * <p>Called on the thread doing the work; implementations return quickly and do not throw.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores everything. */
    ProgressListener NONE = (stage, message) -> { };

    /**
     * @param stage a short stable name of the step ({@code "image"}, {@code "network"}, {@code "provision"})
     * @param message what is happening, for a person; never a secret
     */
    void onProgress(String stage, String message);
}
