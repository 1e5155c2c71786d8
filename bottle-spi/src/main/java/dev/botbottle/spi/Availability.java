package dev.botbottle.spi;

import java.util.Objects;

/**
 * Whether a plugin can be used on this host, and if not, why, in words a person can act on
 * ("docker binary not found on PATH", "/dev/kvm is missing: smolvm needs KVM").
 *
 * @param isAvailable whether the plugin can be used now
 * @param reason why it cannot be used; empty when available
 * @since 0.1
 */
public record Availability(boolean isAvailable, String reason) {

    private static final Availability AVAILABLE = new Availability(true, "");

    public Availability {
        Objects.requireNonNull(reason, "reason");
        if (!isAvailable && reason.isBlank()) {
            throw new IllegalArgumentException("an unavailable plugin must say why");
        }
    }

    /** @return the answer of a plugin that can be used */
    public static Availability ok() {
        return AVAILABLE;
    }

    /**
     * @param reason why the plugin cannot be used and what would fix it
     * @return the answer of a plugin that cannot be used
     */
    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }
}
