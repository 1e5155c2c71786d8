/**
 * Implementation of the Docker backend; not an API: may change in any release.
 */
package dev.botbottle.backend.docker.internal;
