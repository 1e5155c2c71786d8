/**
 * Optional helpers for people who implement the SPI (backends, providers, the provisioning engine): code
 * several plugins need and that depends on the JDK only.
 *
 * @since 0.1
 */
package dev.botbottle.spi.support;
