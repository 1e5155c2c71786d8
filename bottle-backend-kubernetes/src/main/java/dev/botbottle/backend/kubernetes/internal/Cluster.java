package dev.botbottle.backend.kubernetes.internal;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The API calls of the backend, in one namespace: finding, creating and removing a bottle's objects by name and
 * label, and the facts of the cluster the backend depends on (RuntimeClasses, the agent-sandbox CRD).
 */
final class Cluster {

    private final KubernetesClient client;
    private final String namespace;

    Cluster(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    KubernetesClient client() {
        return client;
    }

    String namespace() {
        return namespace;
    }

    /**
     * @return the agent-sandbox Sandbox CRD, when it is installed; empty too when the backend may not read CRDs (it
     *         then takes the Pod path, which needs nothing beyond the core API)
     */
    Optional<CustomResourceDefinition> sandboxCrd() {
        return crd(Manifests.SANDBOX_CRD);
    }

    /** @return the Sandbox API version the backend writes, when the cluster serves one it knows */
    Optional<SandboxApi> sandboxApi() {
        return sandboxCrd().flatMap(SandboxApi::servedBy);
    }

    /** The extensions' kinds the warm pools use, by plural. */
    static final List<String> WARM_POOL_KINDS = List.of("sandboxtemplates", "sandboxwarmpools", "sandboxclaims");

    /**
     * @return empty when agent-sandbox's extensions serve the warm pools' kinds in the version this backend writes;
     *         otherwise what is missing, for a message
     */
    Optional<String> warmPoolsMissing() {
        List<String> missing = new java.util.ArrayList<>();
        for (String plural : WARM_POOL_KINDS) {
            String name = plural + "." + Manifests.EXTENSIONS_GROUP;
            Optional<CustomResourceDefinition> crd = crd(name);
            if (crd.isEmpty()) {
                missing.add(name);
            } else if (!SandboxApi.served(crd.get()).contains(Manifests.EXTENSIONS_VERSION)) {
                missing.add(name + " " + Manifests.EXTENSIONS_VERSION + " (it serves " + SandboxApi.served(crd.get())
                        + ")");
            }
        }
        return missing.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", missing));
    }

    /** @param plural one of {@link #WARM_POOL_KINDS} @return its objects in the version this backend writes */
    MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            extensions(String plural) {
        String kind = switch (plural) {
            case "sandboxtemplates" -> "SandboxTemplate";
            case "sandboxwarmpools" -> "SandboxWarmPool";
            case "sandboxclaims" -> "SandboxClaim";
            default -> throw new IllegalArgumentException(plural);
        };
        return client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                .withGroup(Manifests.EXTENSIONS_GROUP).withVersion(Manifests.EXTENSIONS_VERSION).withKind(kind)
                .withPlural(plural).withNamespaced(true).build());
    }

    /**
     * @param slug the bottle
     * @return its SandboxClaim on a warm pool, when it has one (none where the extensions are not installed)
     */
    Optional<GenericKubernetesResource> claim(String slug) {
        return unlessUnavailable(() -> Optional.ofNullable(extensions("sandboxclaims").inNamespace(namespace)
                .withName(Names.workload(slug)).get()), Optional.empty());
    }

    /** @param claim a SandboxClaim @return the name of the Sandbox agent-sandbox bound to it, once it has */
    static Optional<String> claimedSandbox(GenericKubernetesResource claim) {
        return Optional.ofNullable(claim.getAdditionalProperties().get("status")).filter(Map.class::isInstance)
                .map(status -> ((Map<?, ?>) status).get("sandbox")).filter(Map.class::isInstance)
                .map(sandbox -> ((Map<?, ?>) sandbox).get("name")).map(String::valueOf).filter(n -> !n.isEmpty());
    }

    /** @param name a CRD's name @return it, when installed and readable */
    private Optional<CustomResourceDefinition> crd(String name) {
        return unlessUnavailable(() -> Optional.ofNullable(client.apiextensions().v1().customResourceDefinitions()
                .withName(name).get()), Optional.empty());
    }

    /**
     * @return the call's answer, or {@code otherwise} where the API has no such resource (404: a CRD not installed)
     *         or this user may not read it (403)
     */
    private static <T> T unlessUnavailable(java.util.function.Supplier<T> call, T otherwise) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403 || e.getCode() == 404) {
                return otherwise;
            }
            throw e;
        }
    }

    /** @param name a RuntimeClass @return whether the cluster has it */
    boolean hasRuntimeClass(String name) {
        return client.runtimeClasses().withName(name).get() != null;
    }

    /** @return the cluster's RuntimeClass names, for a message */
    List<String> runtimeClasses() {
        return client.runtimeClasses().list().getItems().stream().map(r -> r.getMetadata().getName())
                .sorted().toList();
    }

    MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            sandboxes(SandboxApi api) {
        return client.genericKubernetesResources(api.context());
    }

    /**
     * @param slug the bottle
     * @return its Sandbox, read in the version the cluster serves, if it has one: the one named after it, or the one
     *         a warm pool handed its claim
     */
    Optional<GenericKubernetesResource> sandbox(String slug) {
        Optional<SandboxApi> api = sandboxApi();
        if (api.isEmpty()) {
            return Optional.empty();
        }
        String name = claim(slug).flatMap(Cluster::claimedSandbox).orElse(Names.workload(slug));
        return Optional.ofNullable(sandboxes(api.get()).inNamespace(namespace).withName(name).get());
    }

    /**
     * @param slug the bottle
     * @return its Pod: the one named after it, or the one its Sandbox made (by label); never one being deleted (a
     *         Sandbox scaled to zero and back may still have its old Pod terminating)
     */
    Optional<Pod> pod(String slug) {
        Pod named = client.pods().inNamespace(namespace).withName(Names.workload(slug)).get();
        if (named != null && named.getMetadata().getDeletionTimestamp() == null) {
            return Optional.of(named);
        }
        return client.pods().inNamespace(namespace).withLabel(Names.SLUG_LABEL, slug)
                .withLabel(Names.MANAGED_LABEL, "true").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).findFirst();
    }

    /** @param slug the bottle @return the names of every object of the bottle that exists, as kind/name */
    List<String> objects(String slug) {
        return labelled(selector(slug)).map(o -> o.getKind() + "/" + o.getMetadata().getName()).sorted().toList();
    }

    /** @return the slugs of every bottle with an object carrying the managed label */
    TreeSet<String> slugs() {
        TreeSet<String> slugs = new TreeSet<>();
        labelled(Map.of(Names.MANAGED_LABEL, "true"))
                .map(o -> o.getMetadata().getLabels() == null ? null : o.getMetadata().getLabels().get(Names.SLUG_LABEL))
                .filter(s -> s != null && !s.isEmpty()).forEach(slugs::add);
        return slugs;
    }

    /** @return every object of the kinds the backend makes that carries these labels */
    private Stream<HasMetadata> labelled(Map<String, String> labels) {
        Optional<SandboxApi> api = sandboxApi();
        return Stream.of(
                client.pods().inNamespace(namespace).withLabels(labels).list().getItems().stream(),
                client.network().v1().networkPolicies().inNamespace(namespace).withLabels(labels).list()
                        .getItems().stream(),
                client.secrets().inNamespace(namespace).withLabels(labels).list().getItems().stream(),
                client.persistentVolumeClaims().inNamespace(namespace).withLabels(labels).list().getItems().stream(),
                client.configMaps().inNamespace(namespace).withLabels(labels).list().getItems().stream(),
                api.stream().flatMap(a -> sandboxes(a).inNamespace(namespace).withLabels(labels).list()
                        .getItems().stream()),
                claims(labels)).flatMap(s -> s.map(HasMetadata.class::cast));
    }

    /** @return the SandboxClaims with these labels; none where the extensions are not installed */
    Stream<GenericKubernetesResource> claims(Map<String, String> labels) {
        return unlessUnavailable(() -> extensions("sandboxclaims").inNamespace(namespace).withLabels(labels).list()
                .getItems().stream(), Stream.empty());
    }

    static Map<String, String> selector(String slug) {
        return Map.of(Names.SLUG_LABEL, slug, Names.MANAGED_LABEL, "true");
    }

    /** @param slug the bottle @param data the records @param labels the bottle's labels */
    void writeState(String slug, Map<String, String> data, Map<String, String> labels) {
        ConfigMap map = new ConfigMapBuilder().withNewMetadata().withName(Names.stateMap(slug)).withNamespace(namespace)
                .withLabels(labels).endMetadata().withData(data).build();
        client.configMaps().inNamespace(namespace).resource(map).createOr(existing -> existing.update());
    }

    /** @param slug the bottle @return its records, empty when it has none */
    Optional<Map<String, String>> readState(String slug) {
        ConfigMap map = client.configMaps().inNamespace(namespace).withName(Names.stateMap(slug)).get();
        return Optional.ofNullable(map).map(m -> m.getData() == null ? Map.of() : m.getData());
    }

    /** Deletes the Pod named after the bottle and waits until it is gone (its name can then be used again). */
    void deletePodAndWait(String name, long seconds) {
        var pod = client.pods().inNamespace(namespace).withName(name);
        pod.delete();
        pod.waitUntilCondition(p -> p == null, seconds, TimeUnit.SECONDS);
    }
}
