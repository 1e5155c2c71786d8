package dev.botbottle.spi.support;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.ImageSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes the build context {@link ImageSpec} describes, for backends that build images with a Dockerfile: the
 * {@code Dockerfile}, the spec's context files, and {@code host-ca/} holding the host's extra CA certificates.
 *
 * @since 0.1
 */
public final class BuildContext {

    private BuildContext() {
    }

    /**
     * @param context an empty directory
     * @param image a buildable image
     * @param hostCaCertificates the host's extra CA certificates, file name to PEM
     *                           ({@link dev.botbottle.spi.BackendContext#hostCaCertificates()})
     * @throws BackendException when a context file's path would leave the directory
     * @throws IOException when a file cannot be written
     * @throws java.util.NoSuchElementException when the image has no Dockerfile
     */
    public static void write(Path context, ImageSpec image, Map<String, String> hostCaCertificates) throws IOException {
        Files.writeString(context.resolve("Dockerfile"), image.dockerfile().orElseThrow());
        for (Map.Entry<String, byte[]> file : image.contextFiles().entrySet()) {
            Path target = context.resolve(file.getKey()).normalize();
            if (!target.startsWith(context) || target.equals(context) || Path.of(file.getKey()).isAbsolute()) {
                throw new BackendException("image context file '" + file.getKey()
                        + "' must be a relative path inside the build context");
            }
            Files.createDirectories(target.getParent());
            Files.write(target, file.getValue());
        }
        Path hostCa = Files.createDirectories(context.resolve("host-ca"));
        for (Map.Entry<String, String> cert : hostCaCertificates.entrySet()) {
            Files.writeString(hostCa.resolve(cert.getKey()), cert.getValue(), StandardCharsets.US_ASCII);
        }
    }
}
