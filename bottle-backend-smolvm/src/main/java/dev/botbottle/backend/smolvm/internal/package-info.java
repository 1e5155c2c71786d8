/** The smolvm backend's implementation; not an API. */
package dev.botbottle.backend.smolvm.internal;
