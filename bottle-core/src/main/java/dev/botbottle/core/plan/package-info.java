/**
 * Planning: from a validated manifest, an agent, a backend and the host, the immutable {@link
 * dev.botbottle.core.plan.BottlePlan} every later step reads. The plan renders the preflight and serialises to
 * JSON; it never holds a secret.
 *
 * @since 0.1
 */
package dev.botbottle.core.plan;
