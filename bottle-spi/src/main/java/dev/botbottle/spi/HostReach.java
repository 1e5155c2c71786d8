package dev.botbottle.spi;

import java.util.Objects;

/**
 * Where a bottle reaches the host: the gateway services bind {@link #bindAddress()} on the host, and the bottle
 * connects to {@link #bottleAddress()} with the same port.
 *
 * <p>For Docker both are the bottle's internal network's bridge gateway (e.g. {@code 172.18.0.1}); for smolvm
 * the services bind host loopback and the guest dials the relay address {@code 100.96.0.1}.
 *
 * @param bindAddress the host address the gateway services listen on (an IP literal)
 * @param bottleAddress the address the bottle dials to reach them (an IP literal)
 * @param isolation how the bottle is kept from the host's other services, for the preflight
 *                  (e.g. "host firewall chain BB-abc12 accepts only the gateway ports")
 * @since 0.1
 */
public record HostReach(String bindAddress, String bottleAddress, String isolation) {
    public HostReach {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(bottleAddress, "bottleAddress");
        Objects.requireNonNull(isolation, "isolation");
    }
}
