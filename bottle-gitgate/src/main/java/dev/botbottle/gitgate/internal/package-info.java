/** Implementation of the git gate; not an API, may change without notice. */
package dev.botbottle.gitgate.internal;
