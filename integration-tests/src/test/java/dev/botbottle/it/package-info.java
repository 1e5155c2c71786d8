/**
 * Integration tests that need several modules at once (runtime, Docker backend, egress gateway, providers),
 * run by failsafe against the real Docker engine.
 */
package dev.botbottle.it;
