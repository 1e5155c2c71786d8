package dev.botbottle.backend.docker.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Parses what the docker CLI and the image's files say. */
public final class DockerOutput {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DockerOutput() {
    }

    /**
     * @param runtimesJson the output of {@code docker info --format '{{json .Runtimes}}'}
     * @return the names of the engine's runtimes
     */
    public static Set<String> runtimes(String runtimesJson) {
        Set<String> names = new LinkedHashSet<>();
        JsonNode node = parse(runtimesJson);
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * @param ipamConfigJson the output of {@code docker network inspect --format '{{json .IPAM.Config}}'}
     * @return the first IPv4 gateway address
     */
    public static Optional<String> ipv4Gateway(String ipamConfigJson) {
        for (JsonNode config : parse(ipamConfigJson)) {
            String gateway = config.path("Gateway").asText("");
            if (!gateway.isEmpty() && !gateway.contains(":")) {
                return Optional.of(gateway);
            }
        }
        return Optional.empty();
    }

    /**
     * @param line the output of {@code docker image inspect --format '{{.Id}} {{json .Config.Labels}}'}
     * @return the image's id and labels
     */
    public static ImageInfo image(String line) {
        String text = line.strip();
        int space = text.indexOf(' ');
        String id = space < 0 ? text : text.substring(0, space);
        Map<String, String> labels = new LinkedHashMap<>();
        if (space >= 0) {
            parse(text.substring(space + 1)).properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        }
        return new ImageInfo(id, labels);
    }

    /**
     * @param lines one value per line (e.g. a {@code --format '{{.Label "x"}}'} listing)
     * @return the distinct non-blank values
     */
    public static Set<String> lines(String lines) {
        Set<String> values = new LinkedHashSet<>();
        for (String line : lines.split("\n")) {
            if (!line.isBlank()) {
                values.add(line.strip());
            }
        }
        return values;
    }

    /**
     * @param inspectJson the output of {@code docker container inspect --format '{{json .}}'}
     * @return the container's state and labels
     */
    public static ContainerState container(String inspectJson) {
        JsonNode node = parse(inspectJson);
        Map<String, String> labels = new LinkedHashMap<>();
        node.path("Config").path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return new ContainerState(node.path("State").path("Status").asText("unknown"),
                node.path("State").path("Running").asBoolean(false), labels);
    }

    private static JsonNode parse(String json) {
        try {
            JsonNode node = JSON.readTree(json.isBlank() ? "null" : json);
            return node == null ? JSON.nullNode() : node;
        } catch (IOException e) {
            throw new IllegalArgumentException("docker printed something that is not JSON: " + json.strip(), e);
        }
    }

    /**
     * A container's state as {@code docker inspect} reports it.
     *
     * @param status e.g. {@code running}, {@code exited}, {@code created}
     * @param running whether it runs
     * @param labels its labels (the image's included)
     */
    public record ContainerState(String status, boolean running, Map<String, String> labels) {
        public ContainerState {
            labels = Map.copyOf(labels);
        }
    }
}
