package dev.botbottle.core.escape;

import java.util.Objects;

/**
 * One attempt of the sandbox-escape catalogue, as declared in its script.
 *
 * @param id a stable id, e.g. {@code proxy.sni-fronting}
 * @param family the family: {@code control}, {@code network}, {@code proxy}, {@code credentials}, {@code host},
 *               {@code git}, {@code supervise}, {@code container}
 * @param service the gateway service it talks to ({@code egress}, {@code gitgate}, {@code supervise}), or
 *                {@code none}: an attempt that reaches a service must leave an audit line there
 * @param title what the attacker tries
 * @param expected what must happen
 * @since 0.3
 */
public record Attempt(String id, String family, String service, String title, String expected) {

    public Attempt {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(expected, "expected");
    }

    /** @return whether it is a control (the allowed path must work) rather than an attack (it must fail) */
    public boolean control() {
        return family.equals("control");
    }
}
