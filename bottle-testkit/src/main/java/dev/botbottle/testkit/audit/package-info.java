/**
 * Assertions on what a bottle's egress gateway decided: {@link dev.botbottle.testkit.audit.EgressAssertions}.
 *
 * @since 0.2
 */
package dev.botbottle.testkit.audit;
