/**
 * The {@code kubernetes} backend: each bottle is a Pod (or an agent-sandbox {@code Sandbox} where that CRD is
 * installed) with the gateway as a sidecar; see {@link dev.botbottle.backend.kubernetes.KubernetesBackendProvider}.
 */
package dev.botbottle.backend.kubernetes;
