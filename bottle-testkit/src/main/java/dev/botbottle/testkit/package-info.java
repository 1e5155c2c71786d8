/**
 * JUnit 5 support for people who embed bot-bottle or write plugins (a later issue): a backend TCK, an extension that launches bottles in tests and closes them through the extension store, and recording doubles for plugin authors.
 *
 * @since 0.1
 */
package dev.botbottle.testkit;
