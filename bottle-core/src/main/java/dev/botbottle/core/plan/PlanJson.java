package dev.botbottle.core.plan;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.botbottle.core.manifest.EnvValue;
import dev.botbottle.spi.BottleException;

/**
 * Reads and writes plans as JSON ({@code bottle plan --format json}, the plan kept in the state directory for
 * {@code resume}). The JSON holds no secret: the plan has none.
 *
 * @since 0.1
 */
public final class PlanJson {

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = EnvValue.Literal.class, name = "literal"),
            @JsonSubTypes.Type(value = EnvValue.Prompt.class, name = "prompt"),
            @JsonSubTypes.Type(value = EnvValue.HostVariable.class, name = "host")})
    private interface EnvValueMixin {
    }

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addMixIn(EnvValue.class, EnvValueMixin.class)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private PlanJson() {
    }

    /**
     * @param plan a plan
     * @return its JSON form
     */
    public static String write(BottlePlan plan) {
        try {
            return MAPPER.writeValueAsString(plan);
        } catch (JsonProcessingException e) {
            throw new BottleException("could not write the plan as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * @param json what {@link #write} produced
     * @return the plan
     */
    public static BottlePlan read(String json) {
        try {
            return MAPPER.readValue(json, BottlePlan.class);
        } catch (JsonProcessingException e) {
            throw new BottleException("could not read a saved plan: " + e.getOriginalMessage()
                    + "; the state directory may come from another version", e);
        }
    }
}
