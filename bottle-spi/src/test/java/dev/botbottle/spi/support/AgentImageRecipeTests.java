package dev.botbottle.spi.support;

import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.ImageSpec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentImageRecipeTests {
    private static final String DOCKERFILE = "recipe/Dockerfile";
    private static final String RELEASE = "recipe/agent.properties";

    private final AgentImageRecipe recipe =
            AgentImageRecipe.load(AgentImageRecipeTests.class, "acme/agent", DOCKERFILE, RELEASE);

    @Test
    void readsTheDockerfileAndTheTrimmedReleaseProperties() {
        assertThat(recipe.repository()).isEqualTo("acme/agent");
        assertThat(recipe.dockerfile()).startsWith("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n");
        assertThat(recipe.version()).isEqualTo("1.2.3");
        assertThat(recipe.release("sha512.linux-x64")).isEqualTo("abc");
    }

    @Test
    void specIsBuildableAndTaggedWithVersionAndTenHexOfTheRecipeHash() throws Exception {
        ImageSpec spec = recipe.spec(Map.of("BASE_IMAGE", "base:1", "AGENT_VERSION", "1.2.3"));

        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(recipe.dockerfile().getBytes(StandardCharsets.UTF_8));
        digest.update("\nAGENT_VERSION=1.2.3".getBytes(StandardCharsets.UTF_8));
        digest.update("\nBASE_IMAGE=base:1".getBytes(StandardCharsets.UTF_8));
        String expected = HexFormat.of().formatHex(digest.digest()).substring(0, 10);
        assertThat(spec.reference()).isEqualTo("acme/agent:1.2.3-" + expected);
        assertThat(spec.buildable()).isTrue();
        assertThat(spec.dockerfile()).contains(recipe.dockerfile());
        assertThat(spec.buildArgs()).containsOnly(Map.entry("BASE_IMAGE", "base:1"), Map.entry("AGENT_VERSION", "1.2.3"));
        assertThat(spec.contextFiles()).isEmpty();
    }

    @Test
    void tagIgnoresArgumentOrderAndChangesWithAnyArgument() {
        Map<String, String> ordered = new LinkedHashMap<>();
        ordered.put("B", "2");
        ordered.put("A", "1");
        Map<String, String> reversed = new LinkedHashMap<>();
        reversed.put("A", "1");
        reversed.put("B", "2");

        assertThat(recipe.spec(ordered).reference()).isEqualTo(recipe.spec(reversed).reference());
        assertThat(recipe.spec(Map.of("A", "1", "B", "3")).reference()).isNotEqualTo(recipe.spec(ordered).reference());
        assertThat(AgentImageRecipe.recipeHash("FROM x", Map.of())).hasSize(10).matches("[0-9a-f]{10}")
                .isNotEqualTo(AgentImageRecipe.recipeHash("FROM y", Map.of()));
    }

    @Test
    void aMissingResourceIsNamedWithItsPackagePathAndTheJar() {
        assertThatThrownBy(() -> AgentImageRecipe.load(AgentImageRecipeTests.class, "acme/agent", "recipe/Nope", RELEASE))
                .isInstanceOf(BottleException.class)
                .hasMessageContaining("resource dev/botbottle/spi/support/recipe/Nope is missing from the jar of "
                        + AgentImageRecipeTests.class.getName());
        assertThatThrownBy(() -> AgentImageRecipe.load(AgentImageRecipeTests.class, "acme/agent", DOCKERFILE, "/gone.properties"))
                .isInstanceOf(BottleException.class).hasMessageContaining("resource gone.properties is missing");
    }

    @Test
    void aReleaseWithoutVersionFailsAtLoadAndAMissingKeyWhenAsked() {
        assertThatThrownBy(() -> AgentImageRecipe.load(AgentImageRecipeTests.class, "acme/agent", DOCKERFILE,
                "recipe/no-version.properties"))
                .isInstanceOf(BottleException.class)
                .hasMessageContaining("dev/botbottle/spi/support/recipe/no-version.properties").hasMessageContaining("has no version");
        assertThatThrownBy(() -> recipe.release("blank")).isInstanceOf(BottleException.class)
                .hasMessageContaining("agent.properties").hasMessageContaining("has no blank");
        assertThatThrownBy(() -> recipe.release("sha512.linux-arm64")).isInstanceOf(BottleException.class)
                .hasMessageContaining("has no sha512.linux-arm64");
    }

    @Test
    void rejectsABlankRepository() {
        assertThatThrownBy(() -> AgentImageRecipe.load(AgentImageRecipeTests.class, " ", DOCKERFILE, RELEASE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
