package dev.botbottle.examples.echo;

import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProviderSetting;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.SkillSource;
import dev.botbottle.spi.SuperviseEndpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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
 * credential, so it plans no egress route.
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
        List<ProvisionStep> steps = new ArrayList<>();
        if (!request.prompt().isBlank()) {
            steps.add(new ProvisionStep.WriteFile("~/.echo/system.md", request.prompt().getBytes(StandardCharsets.UTF_8),
                    0644, FileOwner.AGENT));
        }
        for (SkillSource skill : request.skills()) {
            steps.add(new ProvisionStep.CopyPath(skill.directory(), "~/.echo/skills/" + skill.name(), FileOwner.AGENT,
                    0644));
        }
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

    private ImageSpec image() {
        String dockerfile = new String(resource("Dockerfile"), StandardCharsets.UTF_8);
        byte[] script = resource("echo-agent");
        String hash;
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(dockerfile.getBytes(StandardCharsets.UTF_8));
            digest.update(script);
            digest.update(baseImage.getBytes(StandardCharsets.UTF_8));
            hash = HexFormat.of().formatHex(digest.digest()).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        // Tagged by content, so a changed recipe is rebuilt and an unchanged one is built once.
        return new ImageSpec("bot-bottle/echo:" + hash, Optional.of(dockerfile), Map.of("BASE_IMAGE", baseImage),
                Map.of("echo-agent", script));
    }

    private static byte[] resource(String name) {
        try (InputStream in = EchoProvider.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the examples jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
