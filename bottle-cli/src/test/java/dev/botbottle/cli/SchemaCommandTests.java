package dev.botbottle.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bottle schema} carries the shipped providers' settings, and the published schema is that output. */
class SchemaCommandTests {

    static final Path PUBLISHED = Path.of("").toAbsolutePath().getParent().resolve("docs/schema/bottle.schema.json");

    @Test
    void theBottleSchemaNamesEachTemplatesSettingsWithTheirKinds() throws IOException {
        CliRun r = CliRun.run(Map.of(), "schema");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode block = new ObjectMapper().readTree(r.out()).at("/properties/agent_provider");

        assertThat(block.at("/properties/template/enum").toString()).contains("claude", "codex", "shell");
        assertThat(block.at("/properties/template/default").asText()).isEqualTo("claude");
        assertThat(block.at("/properties/auth_token/$ref").asText()).isEqualTo("#/$defs/envName");
        assertThat(block.at("/properties/forward_host_credentials/type").asText()).isEqualTo("boolean");
        assertThat(block.at("/allOf").toString()).contains("\"const\":\"codex\"")
                .contains("[\"template\",\"forward_host_credentials\"]");
    }

    @Test
    void thePublishedSchemaIsWhatTheCliPrints() throws IOException {
        String printed = CliRun.run(Map.of(), "schema").out();
        assertThat(Files.readString(PUBLISHED)).as("docs/schema/bottle.schema.json is stale: regenerate it with"
                + " `./bottle schema > docs/schema/bottle.schema.json`").isEqualTo(printed);
    }
}
