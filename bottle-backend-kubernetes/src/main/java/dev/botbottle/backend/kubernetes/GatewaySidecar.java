package dev.botbottle.backend.kubernetes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The gateway of one bottle as a sidecar container in the bottle's Pod: the agent reaches it on {@code 127.0.0.1}.
 *
 * <p>Without configuration files the sidecar is {@linkplain #runtimeDriven() driven by the runtime} (ADR 18): the
 * container idles until the runtime starts its gateway program in it through the exec subresource and hands it its
 * configuration and credentials on that exec's standard input; the image must hold the program (the Docker backend's
 * gateway image does). With configuration files (which may carry credentials) they travel in a Secret mounted,
 * read-only, into the gateway container only, at {@link #CONFIG_PATH}, and the container runs a gateway of its own;
 * the agent container never mounts either.
 *
 * @param image the gateway image (e.g. one built from the base image with the {@code bottle-gateway} main)
 * @param command the gateway container's command; empty runs the image's entry point (or, driven by the runtime,
 *                an idle shell). A gateway of its own reads its configuration from the files under
 *                {@link #CONFIG_PATH}, never from its command line or environment
 * @param configFiles the configuration files, by file name (e.g. {@code start.json}); put into the Secret; none for a
 *                    sidecar the runtime drives
 * @param egressPorts the TCP ports the gateway dials upstream (HTTPS, SSH); the bottle's NetworkPolicy allows them
 * @param egressCidrs where the gateway may dial, as CIDRs, each optionally followed by {@code !} and excepted CIDRs
 *                    separated by {@code !} ({@code 0.0.0.0/0!10.0.0.0/8!192.168.0.0/16})
 * @since 0.3
 */
public record GatewaySidecar(String image, List<String> command, Map<String, byte[]> configFiles,
                             List<Integer> egressPorts, List<String> egressCidrs) {

    /** Where the gateway container finds its configuration files. */
    public static final String CONFIG_PATH = "/etc/bot-bottle/gateway";

    /** The default egress destinations: anywhere but private, link-local and carrier-grade NAT ranges. */
    public static final List<String> PUBLIC_INTERNET = List.of("0.0.0.0/0!10.0.0.0/8!172.16.0.0/12!192.168.0.0/16"
            + "!169.254.0.0/16!100.64.0.0/10!127.0.0.0/8");

    public GatewaySidecar {
        Objects.requireNonNull(image, "image");
        if (image.isBlank()) {
            throw new IllegalArgumentException("gateway image must not be blank");
        }
        command = List.copyOf(command);
        Map<String, byte[]> files = new LinkedHashMap<>();
        configFiles.forEach((name, bytes) -> {
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new IllegalArgumentException("gateway config file name '" + name + "' must be a plain file name");
            }
            files.put(name, bytes.clone());
        });
        configFiles = java.util.Collections.unmodifiableMap(files);
        egressPorts = List.copyOf(egressPorts);
        egressCidrs = List.copyOf(egressCidrs);
    }

    /**
     * @return whether the runtime runs its gateway program in this sidecar: it has no configuration files, so nothing
     *         else would configure it
     */
    public boolean runtimeDriven() {
        return configFiles.isEmpty();
    }

    /** @return a copy of the configuration files */
    @Override
    public Map<String, byte[]> configFiles() {
        Map<String, byte[]> copy = new LinkedHashMap<>();
        configFiles.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /** @return the image, command and file names; never the files' content */
    @Override
    public String toString() {
        return "GatewaySidecar[" + image + ", command=" + command + ", configFiles=" + configFiles.keySet()
                + ", egressPorts=" + egressPorts + ", egressCidrs=" + egressCidrs + "]";
    }
}
