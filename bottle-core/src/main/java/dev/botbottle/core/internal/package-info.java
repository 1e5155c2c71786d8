/**
 * Implementation details of bottle-core; not an API.
 */
package dev.botbottle.core.internal;
