package dev.botbottle.backend.smolvm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A machine as {@code smolvm machine status --json} / {@code ls --json} report it (the fields the backend uses).
 *
 * @param name the machine's name
 * @param state {@code created}, {@code running}, {@code stopped}, {@code failed}, {@code unreachable}, {@code frozen}
 * @param pid the VM process, or 0
 * @param labels the labels given at create
 */
public record MachineState(String name, String state, long pid, Map<String, String> labels) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public MachineState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        labels = Map.copyOf(labels);
    }

    /** @return whether commands can run in it */
    public boolean running() {
        return state.equals("running");
    }

    /**
     * @param json the output of {@code machine status --json}
     * @return the machine
     * @throws IllegalArgumentException when it is not a machine object
     */
    public static MachineState parse(String json) {
        return of(read(json));
    }

    /**
     * @param json the output of {@code machine ls --json}
     * @return every machine
     */
    public static List<MachineState> parseList(String json) {
        JsonNode array = read(json);
        if (!array.isArray()) {
            throw new IllegalArgumentException("smolvm machine ls --json printed no array: " + json.strip());
        }
        List<MachineState> machines = new ArrayList<>();
        array.forEach(node -> machines.add(of(node)));
        return machines;
    }

    private static MachineState of(JsonNode node) {
        if (!node.isObject() || !node.path("name").isTextual()) {
            throw new IllegalArgumentException("smolvm printed no machine: " + node);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        node.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return new MachineState(node.path("name").asText(), node.path("state").asText("unknown"),
                node.path("pid").asLong(0), labels);
    }

    private static JsonNode read(String json) {
        try {
            JsonNode node = JSON.readTree(json.isBlank() ? "null" : json);
            return node == null ? JSON.nullNode() : node;
        } catch (IOException e) {
            throw new IllegalArgumentException("smolvm printed something that is not JSON: " + json.strip(), e);
        }
    }
}
