package dev.botbottle.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The published JSON Schemas name exactly the keys the loader accepts. */
class SchemaTests {

    static JsonNode schema(String name) throws IOException {
        try (InputStream in = SchemaTests.class.getResourceAsStream("/dev/botbottle/core/manifest/" + name)) {
            assertThat(in).as(name + " on the class path").isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }

    static List<String> keys(JsonNode objectSchema) {
        List<String> keys = new ArrayList<>();
        objectSchema.get("properties").fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @Test
    void bottleSchemaNamesEveryBottleKey() throws IOException {
        JsonNode s = schema("bottle.schema.json");

        assertThat(s.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(keys(s)).containsExactlyInAnyOrderElementsOf(Keys.BOTTLE);
        assertThat(keys(s.at("/properties/agent_provider"))).containsExactly("template");
        assertThat(keys(s.at("/properties/git"))).containsExactlyInAnyOrderElementsOf(Keys.GIT);
        assertThat(keys(s.at("/$defs/gitUser"))).containsExactlyInAnyOrderElementsOf(Keys.GIT_USER);
        assertThat(keys(s.at("/$defs/remote"))).containsExactlyInAnyOrderElementsOf(Keys.REMOTE);
        assertThat(keys(s.at("/$defs/remote/properties/push"))).containsExactlyInAnyOrderElementsOf(Keys.PUSH);
        assertThat(keys(s.at("/properties/egress"))).containsExactlyInAnyOrderElementsOf(Keys.EGRESS);
        assertThat(keys(s.at("/$defs/route"))).containsExactlyInAnyOrderElementsOf(Keys.ROUTE);
        assertThat(keys(s.at("/$defs/route/properties/auth"))).containsExactlyInAnyOrderElementsOf(Keys.AUTH);
        assertThat(keys(s.at("/$defs/route/properties/matches/items"))).containsExactlyInAnyOrderElementsOf(Keys.MATCH);
        assertThat(keys(s.at("/$defs/route/properties/matches/items/properties/paths/items")))
                .containsExactlyInAnyOrderElementsOf(Keys.PATH);
        assertThat(keys(s.at("/$defs/route/properties/dlp"))).containsExactlyInAnyOrderElementsOf(Keys.DLP);
        assertThat(keys(s.at("/properties/resources"))).containsExactlyInAnyOrderElementsOf(Keys.RESOURCES);
        assertThat(s.at("/$defs/name/pattern").asText()).isEqualTo(Keys.NAME.pattern());
        assertThat(s.at("/$defs/envName/pattern").asText()).isEqualTo(Keys.ENV_NAME.pattern());
    }

    @Test
    void agentSchemaNamesEveryAgentKeyAndClaudeCodesOwnFields() throws IOException {
        JsonNode s = schema("agent.schema.json");
        List<String> expected = new ArrayList<>(Keys.AGENT);
        expected.addAll(Keys.AGENT_IGNORED);

        assertThat(keys(s)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(keys(s.at("/properties/git"))).containsExactlyInAnyOrderElementsOf(Keys.AGENT_GIT);
        assertThat(s.get("additionalProperties").asBoolean()).isFalse();
    }
}
