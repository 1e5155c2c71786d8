package dev.botbottle.gateway.internal;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.CredentialException;
import dev.botbottle.spi.ProposedChange;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.Secret;

import java.io.IOException;

/**
 * The JSON of the control channel and of the gateway's start message: one JSON object per line. Secrets are written
 * in clear here (the channel is a 0700 directory's socket, and standard input): never log a line.
 */
public final class Wire {

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = ProvisionStep.WriteFile.class, name = "write-file"),
            @JsonSubTypes.Type(value = ProvisionStep.CopyPath.class, name = "copy-path"),
            @JsonSubTypes.Type(value = ProvisionStep.CopyTree.class, name = "copy-tree"),
            @JsonSubTypes.Type(value = ProvisionStep.SetEnv.class, name = "set-env"),
            @JsonSubTypes.Type(value = ProvisionStep.RunCommand.class, name = "run-command"),
            @JsonSubTypes.Type(value = ProvisionStep.TrustCertificate.class, name = "trust-certificate")})
    private interface StepMixin {
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = ProposedChange.Route.class, name = "route"),
            @JsonSubTypes.Type(value = ProposedChange.Image.class, name = "image"),
            @JsonSubTypes.Type(value = ProposedChange.Question.class, name = "question")})
    private interface ChangeMixin {
    }

    /** The mapper: records, Optionals, Instants, Paths, Secrets in clear. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .addModule(new SimpleModule("secrets").addSerializer(Secret.class, new JsonSerializer<>() {
                @Override
                public void serialize(Secret value, JsonGenerator gen, SerializerProvider serializers)
                        throws IOException {
                    gen.writeString(value.reveal());
                }
            }).addDeserializer(Secret.class, new JsonDeserializer<>() {
                @Override
                public Secret deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                    return Secret.of(p.getValueAsString());
                }
            }))
            .addMixIn(ProvisionStep.class, StepMixin.class)
            .addMixIn(ProposedChange.class, ChangeMixin.class)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Wire() {
    }

    /** @param value a value @return its JSON on one line */
    public static String line(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * @param value a value
     * @param declared the type to write it as: an interface whose implementations carry their kind (a
     *                 {@code ProvisionStep[]}, a {@code ProposedChange}), which a plain {@code valueToTree} drops
     * @return its tree
     */
    public static JsonNode tree(Object value, Class<?> declared) {
        try {
            return MAPPER.readTree(MAPPER.writerFor(declared).writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + declared.getSimpleName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** @param line a JSON line @return the tree */
    public static JsonNode parse(String line) {
        try {
            return MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BottleException("the gateway's control channel sent something that is not JSON ("
                    + e.getOriginalMessage() + ")", e);
        }
    }

    /** @param node a tree @param type the type @param <T> the type @return the value */
    public static <T> T read(JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new BottleException("the gateway's control channel sent an invalid " + type.getSimpleName() + " ("
                    + e.getOriginalMessage() + ")", e);
        }
    }

    /** @return an empty object */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** @param e a failure @return the error answer naming its kind, so the other side rethrows the same kind */
    public static ObjectNode error(RuntimeException e) {
        ObjectNode answer = object();
        answer.put("ok", false);
        answer.put("type", e instanceof CredentialException ? "credential"
                : e instanceof IllegalArgumentException ? "argument" : "bottle");
        answer.put("error", String.valueOf(e.getMessage()));
        return answer;
    }

    /**
     * @param answer an answer
     * @param what what was asked, for the message
     * @return the answer, when it says ok
     * @throws RuntimeException of the kind the other side threw
     */
    public static JsonNode checked(JsonNode answer, String what) {
        if (answer.path("ok").asBoolean(false)) {
            return answer;
        }
        String message = answer.path("error").asText("the gateway gave no reason");
        switch (answer.path("type").asText("bottle")) {
            case "credential" -> throw new CredentialException(message);
            case "argument" -> throw new IllegalArgumentException(message);
            default -> throw new BottleException(what + " failed in the gateway program: " + message);
        }
    }
}
