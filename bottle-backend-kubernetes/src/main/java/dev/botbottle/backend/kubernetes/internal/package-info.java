/**
 * Implementation of the Kubernetes backend; not an API: may change in any release. Every fabric8 type stays in
 * this package.
 */
package dev.botbottle.backend.kubernetes.internal;
