package dev.botbottle.backend.kubernetes.internal;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The versions of agent-sandbox's {@code Sandbox} API this backend writes, and how each says "running" and
 * "stopped": {@code v1beta1} (agent-sandbox's storage version since its beta) with {@code spec.operatingMode}
 * {@code Running} or {@code Suspended}, {@code v1alpha1} (older releases; deprecated but still served by newer ones)
 * with {@code spec.replicas} 1 or 0. The backend uses the newest one the cluster's CRD serves.
 */
enum SandboxApi {

    V1BETA1("v1beta1") {
        @Override
        void setRunning(Map<String, Object> spec, boolean running) {
            spec.put("operatingMode", running ? "Running" : "Suspended");
        }

        @Override
        boolean running(Map<String, Object> spec) {
            return !"Suspended".equals(spec.get("operatingMode"));
        }
    },
    V1ALPHA1("v1alpha1") {
        @Override
        void setRunning(Map<String, Object> spec, boolean running) {
            spec.put("replicas", running ? 1 : 0);
        }

        @Override
        boolean running(Map<String, Object> spec) {
            return !(spec.get("replicas") instanceof Number n) || n.intValue() != 0;
        }
    };

    private final String version;

    SandboxApi(String version) {
        this.version = version;
    }

    /** @return the API version's name, {@code v1beta1} or {@code v1alpha1} */
    String version() {
        return version;
    }

    /** @return the {@code apiVersion} of a Sandbox written in it */
    String apiVersion() {
        return Manifests.SANDBOX_GROUP + "/" + version;
    }

    /** @return the client's context for Sandboxes of this version */
    ResourceDefinitionContext context() {
        return new ResourceDefinitionContext.Builder().withGroup(Manifests.SANDBOX_GROUP).withVersion(version)
                .withKind("Sandbox").withPlural("sandboxes").withNamespaced(true).build();
    }

    /** Writes into a Sandbox's spec that it is to run (or to be stopped, its Pod gone and its volumes kept). */
    abstract void setRunning(Map<String, Object> spec, boolean running);

    /** @return whether a Sandbox's spec asks for it to run */
    abstract boolean running(Map<String, Object> spec);

    /**
     * @param sandbox a Sandbox read in this version
     * @param running whether it is to run
     * @return the Sandbox with its spec saying so (for an edit)
     */
    @SuppressWarnings("unchecked")
    GenericKubernetesResource withRunning(GenericKubernetesResource sandbox, boolean running) {
        Object spec = sandbox.getAdditionalProperties().get("spec");
        Map<String, Object> copy = spec instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m)
                : new LinkedHashMap<>();
        setRunning(copy, running);
        sandbox.setAdditionalProperty("spec", copy);
        return sandbox;
    }

    /**
     * @param crd the cluster's {@code sandboxes.agents.x-k8s.io} CRD
     * @return the newest version of it this backend writes that the CRD serves; empty when it serves none of them
     */
    static Optional<SandboxApi> servedBy(CustomResourceDefinition crd) {
        List<String> served = served(crd);
        for (SandboxApi api : values()) {
            if (served.contains(api.version)) {
                return Optional.of(api);
            }
        }
        return Optional.empty();
    }

    /** @return the versions a CRD serves, for a message */
    static List<String> served(CustomResourceDefinition crd) {
        List<CustomResourceDefinitionVersion> versions = crd.getSpec() == null || crd.getSpec().getVersions() == null
                ? List.of() : crd.getSpec().getVersions();
        return versions.stream().filter(v -> Boolean.TRUE.equals(v.getServed()))
                .map(CustomResourceDefinitionVersion::getName).toList();
    }
}
