/**
 * Test doubles for plugin authors and hosts, named as doubles: {@link dev.botbottle.testkit.doubles.RecordingBottle}
 * (a bottle that records execs and copies and runs nothing) and {@link dev.botbottle.testkit.doubles.FakeBackendProvider}
 * (a backend whose bottles are recording ones), and {@link dev.botbottle.testkit.doubles.InMemoryStateRecords} (state
 * records two runtimes share, as two hosts share a cluster's). They let a provider's provisioning, or a host's use of the runtime, be
 * tested without an engine; the backend TCK stays the real check of a backend.
 *
 * @since 0.2
 */
package dev.botbottle.testkit.doubles;
