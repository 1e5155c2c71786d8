package dev.botbottle.examples.echo;

import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProviderSetting;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.SuperviseEndpoint;
import dev.botbottle.spi.support.AgentImageRecipe;
import dev.botbottle.spi.support.SkillSteps;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An example third-party agent provider: a tiny "echo" agent that repeats its prompt. It shows everything a plugin
 * jar needs to add an agent to bot-bottle — this class, its image recipe as resources, and one line in
 * {@code META-INF/services/dev.botbottle.spi.AgentProvider} — and nothing else: no change to bot-bottle itself.
 *
 * <p>Manifest use:
 * <pre>{@code
 * agent_provider:
 *   template: echo
 *   greeting: "bonjour:"     # a provider-specific setting, read from AgentRequest.settings()
 * }</pre>
 *
 * <p>What it does, as a real provider would: ships an image (the base plus the {@code echo-agent} script), puts the
 * prompt and skills where its CLI reads them ({@code ~/.echo/system.md}, {@code ~/.echo/skills/<name>/}), hands the
 * supervise URL over in the environment, and says how to run the CLI interactively and headless. It needs no
 * credential, so it plans no egress route. The image recipe and the skill copies come from {@code
 * dev.botbottle.spi.support} ({@link AgentImageRecipe}, {@link SkillSteps}), as in the providers bot-bottle ships.
 *
 * @since 0.1
 */
public final class EchoProvider implements AgentProvider {

    /** The template name, {@code echo}. */
    public static final String NAME = "echo";

    /** The setting naming what each echoed line starts with. */
    public static final String GREETING_SETTING = "greeting";

    /** The base image unless another is given. */
    public static final String DEFAULT_BASE_IMAGE = "bot-bottle/base:bookworm";

    private final String baseImage;

    /** A provider whose image starts from {@value #DEFAULT_BASE_IMAGE}; the constructor ServiceLoader uses. */
    public EchoProvider() {
        this(DEFAULT_BASE_IMAGE);
    }

    /** @param baseImage the image the echo image starts from */
    public EchoProvider(String baseImage) {
        this.baseImage = Objects.requireNonNull(baseImage, "baseImage");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ProviderSetting> settings() {
        return List.of(ProviderSetting.of(GREETING_SETTING, ProviderSetting.Kind.STRING,
                "what the echo agent prints before each prompt (default \"echo:\")"));
    }

    @Override
    public AgentProvisionPlan plan(AgentRequest request) {
        String greeting = request.settings().string(GREETING_SETTING).orElse("echo:");
        return AgentProvisionPlan.builder().image(image()).env("ECHO_AGENT_GREETING", greeting).build();
    }

    @Override
    public List<ProvisionStep> provisioningSteps(AgentRequest request, Bottle bottle) {
        String echoHome = bottle.agentHome() + "/.echo";
        List<ProvisionStep> steps = new ArrayList<>();
        if (!request.prompt().isBlank()) {
            steps.add(new ProvisionStep.WriteFile(echoHome + "/system.md", request.prompt().getBytes(StandardCharsets.UTF_8),
                    0644, FileOwner.AGENT));
        }
        // each skill replaces its old copy; a skill without SKILL.md or with an unsafe name fails the launch
        steps.addAll(SkillSteps.replaceAll(request, echoHome + "/skills", "the echo agent"));
        return List.copyOf(steps);
    }

    @Override
    public List<ProvisionStep> superviseSteps(SuperviseEndpoint endpoint) {
        // The URL is not secret; the bearer stays in the variable the runtime already sets.
        return List.of(new ProvisionStep.SetEnv("ECHO_AGENT_SUPERVISE_URL", endpoint.url()));
    }

    @Override
    public List<String> interactiveCommand() {
        return List.of("echo-agent");
    }

    @Override
    public List<String> headlessCommand(String prompt) {
        return List.of("echo-agent", "--once", prompt);
    }

    /** Loaded on first use, so a jar missing its resources fails the first plan rather than plugin discovery. */
    private static final class Recipe {
        static final AgentImageRecipe ECHO = AgentImageRecipe.load(EchoProvider.class, "bot-bottle/echo",
                "Dockerfile", "echo.properties");
        static final byte[] SCRIPT = resource("echo-agent");
    }

    private ImageSpec image() {
        // Tagged by content (version, Dockerfile and build arguments): a changed recipe is rebuilt, an unchanged one
        // is built once. The script travels as a context file; its digest is a build argument so it counts too.
        String script = new String(Recipe.SCRIPT, StandardCharsets.UTF_8);
        ImageSpec recipe = Recipe.ECHO.spec(Map.of("BASE_IMAGE", baseImage,
                "ECHO_AGENT_DIGEST", AgentImageRecipe.recipeHash(script, Map.of())));
        ImageSpec.Builder image = ImageSpec.builder(recipe.reference()).dockerfile(recipe.dockerfile().orElseThrow());
        recipe.buildArgs().forEach(image::buildArg);
        return image.contextFile("echo-agent", Recipe.SCRIPT).build();
    }

    private static byte[] resource(String name) {
        try (InputStream in = EchoProvider.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the echo provider jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
