/** Implementation of the egress gateway; not an API, may change without notice. */
package dev.botbottle.egress.internal;
