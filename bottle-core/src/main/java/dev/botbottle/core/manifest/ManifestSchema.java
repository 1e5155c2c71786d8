package dev.botbottle.core.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.ProviderSetting;

import java.io.IOException;
import java.io.InputStream;

/**
 * The JSON Schemas of the manifest's front matter, for editors: the agent schema as shipped, and the bottle schema
 * with the {@code agent_provider} settings of the installed providers filled in (each template takes only the keys
 * its provider declares, with their kinds), since core itself knows no provider.
 *
 * @since 0.2
 */
public final class ManifestSchema {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ManifestSchema() {
    }

    /** @return the agent files' schema */
    public static String agent() {
        return write(resource("agent.schema.json"));
    }

    /**
     * @param catalog the installed providers and the default template
     * @return the bottle files' schema for them
     */
    public static String bottle(ProviderCatalog catalog) {
        ObjectNode schema = resource("bottle.schema.json");
        ObjectNode block = (ObjectNode) schema.path("properties").path("agent_provider");
        ObjectNode properties = (ObjectNode) block.path("properties");
        ArrayNode templates = ((ObjectNode) properties.path("template")).putArray("enum");
        ArrayNode rules = block.putArray("allOf");
        for (AgentProvider provider : catalog.providers().values().stream()
                .sorted(java.util.Comparator.comparing(AgentProvider::name)).toList()) {
            templates.add(provider.name());
            ArrayNode names = JSON.createArrayNode().add("template");
            for (ProviderSetting s : provider.settings()) {
                names.add(s.name());
                properties.set(s.name(), setting(s).put("description", "(" + provider.name() + ") " + s.description()));
            }
            ObjectNode rule = rules.addObject();
            ObjectNode when = rule.putObject("if");
            if (catalog.defaultTemplate().filter(provider.name()::equals).isPresent()) {
                ArrayNode anyOf = when.putArray("anyOf");
                anyOf.addObject().putObject("not").putArray("required").add("template");
                ObjectNode named = anyOf.addObject();
                named.putArray("required").add("template");
                named.putObject("properties").putObject("template").put("const", provider.name());
            } else {
                when.putArray("required").add("template");
                when.putObject("properties").putObject("template").put("const", provider.name());
            }
            rule.putObject("then").putObject("propertyNames").set("enum", names);
        }
        block.remove("additionalProperties");
        catalog.defaultTemplate().ifPresent(t -> ((ObjectNode) properties.path("template")).put("default", t));
        return write(schema);
    }

    private static ObjectNode setting(ProviderSetting s) {
        ObjectNode n = JSON.createObjectNode();
        switch (s.kind()) {
            case STRING -> n.put("type", "string").put("minLength", 1);
            case HOST_VARIABLE -> n.put("$ref", "#/$defs/envName");
            case BOOLEAN -> n.put("type", "boolean");
            case INTEGER -> n.put("type", "integer");
        }
        return n;
    }

    private static ObjectNode resource(String name) {
        try (InputStream in = ManifestSchema.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new BottleException(name + " is missing from bottle-core's jar");
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new BottleException("cannot read the schema " + name + ": " + e.getMessage(), e);
        }
    }

    private static String write(JsonNode schema) {
        try {
            return JSON.writeValueAsString(schema) + "\n";
        } catch (IOException e) {
            throw new BottleException("cannot write the schema: " + e.getMessage(), e);
        }
    }
}
