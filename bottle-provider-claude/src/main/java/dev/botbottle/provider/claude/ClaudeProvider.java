package dev.botbottle.provider.claude;

import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.DlpPolicy;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProviderSetting;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.RouteAuth;
import dev.botbottle.spi.SuperviseEndpoint;
import dev.botbottle.spi.support.AgentImageRecipe;
import dev.botbottle.spi.support.PromptSection;
import dev.botbottle.spi.support.SkillSteps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The agent provider for Claude Code (manifest {@code agent_provider.template: claude}).
 *
 * <p>Credentials: {@code agent_provider.auth_token} names the host variable holding a long-lived OAuth token
 * ({@code claude setup-token}). The bottle only ever sees a placeholder in {@code CLAUDE_CODE_OAUTH_TOKEN}; the
 * plan adds an intercepted {@code api.anthropic.com} route on which the egress gateway replaces the placeholder
 * with {@code Authorization: Bearer <real token>}. No {@code ANTHROPIC_API_KEY} is set (it would win over the
 * OAuth token). Nonessential traffic (telemetry, error reports, self-update) is turned off.
 *
 * <p>Provisioning (as the agent user): the agent's prompt becomes {@code ~/.claude/CLAUDE.md} (user memory, read
 * interactively and with {@code -p}); each skill is copied to {@code ~/.claude/skills/<name>/}, replacing an
 * older copy; {@code ~/.claude.json} is merged (onboarding done, the home and {@code ~/workspace} trusted) and
 * {@code ~/.claude/settings.json} is merged to run without permission prompts — the bottle is the sandbox.
 * Supervise is registered with {@code claude mcp add --scope user --transport http}, and the server's notes for
 * the agent are put in a marked section of {@code ~/.claude/CLAUDE.md} (after the agent's own prompt).
 *
 * <p>The agent image is built from the Dockerfile shipped in this jar: the base image (default
 * {@value #DEFAULT_BASE_IMAGE}) plus the native {@code claude} binary of the pinned version from the npm platform
 * package.
 *
 * @since 0.1
 */
public final class ClaudeProvider implements AgentProvider {

    /** The template name, {@code claude}. */
    public static final String NAME = "claude";

    /** The base image the agent image starts from unless another is given. */
    public static final String DEFAULT_BASE_IMAGE = "bot-bottle/base:bookworm";

    /** The variable Claude Code reads its OAuth token from; in the bottle it holds a placeholder only. */
    public static final String OAUTH_TOKEN_ENV = "CLAUDE_CODE_OAUTH_TOKEN";

    /** The value the bottle's {@value #OAUTH_TOKEN_ENV} holds; the gateway swaps it for the real token. */
    public static final String PLACEHOLDER = "bot-bottle-placeholder-oauth-token";

    /** The API host the OAuth token is injected for. */
    public static final String API_HOST = "api.anthropic.com";

    static final String SUPERVISE_SERVER_NAME = "supervise";
    static final String SUPERVISE_BEARER_FILE = "~/.bot-bottle-supervise-bearer";
    /** {@code $1} the server name, {@code $2} the URL; the bearer is read from (and the file removed) first. */
    static final String SUPERVISE_SCRIPT = """
            f="$HOME/.bot-bottle-supervise-bearer"
            [ -s "$f" ] || { echo "the supervise bearer was not handed over ($f is missing or empty)" >&2; exit 1; }
            t="$(cat "$f")"; rm -f "$f"
            claude mcp remove --scope user "$1" >/dev/null 2>&1 || true
            exec claude mcp add --scope user --transport http "$1" "$2" --header "Authorization: Bearer $t"
            """;

    private static final Logger LOG = LoggerFactory.getLogger(ClaudeProvider.class);
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Map<String, String> ENV = Map.of(
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1",
            "DISABLE_AUTOUPDATER", "1");

    private final String baseImage;

    /** A provider whose agent image starts from {@value #DEFAULT_BASE_IMAGE}. Used by {@link java.util.ServiceLoader}. */
    public ClaudeProvider() {
        this(DEFAULT_BASE_IMAGE);
    }

    /**
     * A provider whose agent image starts from another base (it needs {@code sh}, {@code curl}, {@code tar},
     * {@code sha512sum}, glibc and, for {@code jq}, apt — or {@code jq} already installed).
     *
     * @param baseImage the base image reference
     */
    public ClaudeProvider(String baseImage) {
        this.baseImage = Objects.requireNonNull(baseImage, "baseImage");
        if (baseImage.isBlank()) {
            throw new IllegalArgumentException("baseImage must not be blank");
        }
    }

    /** @return the pinned Claude Code version the agent image carries, e.g. {@code 2.1.332} */
    public static String cliVersion() {
        return Image.RECIPE.version();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The setting naming the host variable that holds the OAuth token. */
    public static final String AUTH_TOKEN_SETTING = "auth_token";

    @Override
    public List<ProviderSetting> settings() {
        return List.of(ProviderSetting.of(AUTH_TOKEN_SETTING, ProviderSetting.Kind.HOST_VARIABLE,
                "the host variable holding a long-lived OAuth token from `claude setup-token`; the egress gateway"
                        + " injects it on api.anthropic.com, the bottle sees a placeholder"));
    }

    /** Claude Code's own skills ({@code ~/.claude/skills}) can be named by agents too. */
    @Override
    public List<java.nio.file.Path> hostSkillDirectories(java.nio.file.Path hostHome) {
        return List.of(hostHome.resolve(".claude/skills"));
    }

    @Override
    public AgentProvisionPlan plan(AgentRequest request) {
        AgentProvisionPlan.Builder plan = AgentProvisionPlan.builder().image(image(baseImage));
        ENV.forEach(plan::env);
        Optional<String> tokenVar = request.settings().string(AUTH_TOKEN_SETTING);
        if (tokenVar.isPresent()) {
            // Provider routes redact rather than block on a DLP hit: a blocked model call stalls the agent.
            plan.placeholder(OAUTH_TOKEN_ENV, PLACEHOLDER).hidden(OAUTH_TOKEN_ENV)
                    .route(EgressRoute.builder(API_HOST).auth(new RouteAuth("Bearer", tokenVar.get()))
                            .matches(ClaudeRoutes.matches()).dlp(new DlpPolicy(DlpPolicy.Action.REDACT, true)).build());
        } else {
            LOG.debug("agent '{}': no agent_provider.auth_token; Claude Code gets no provider route", request.agent());
        }
        return plan.build();
    }

    @Override
    public List<ProvisionStep> provisioningSteps(AgentRequest request, Bottle bottle) {
        String home = bottle.agentHome();
        List<ProvisionStep> steps = new ArrayList<>();
        if (!request.prompt().isBlank()) {
            steps.add(new ProvisionStep.WriteFile(home + "/.claude/CLAUDE.md",
                    request.prompt().getBytes(StandardCharsets.UTF_8), 0644, FileOwner.AGENT));
        }
        steps.addAll(SkillSteps.replaceAll(request, home + "/.claude/skills", "Claude Code"));
        steps.add(JsonMergeStep.of(home + "/.claude.json", claudeJsonPatch(home),
                "mark Claude Code onboarded and trust the workspace in ~/.claude.json"));
        steps.add(JsonMergeStep.of(home + "/.claude/settings.json", settingsPatch(),
                "let Claude Code run without permission prompts (~/.claude/settings.json)"));
        return List.copyOf(steps);
    }

    @Override
    public List<ProvisionStep> superviseSteps(SuperviseEndpoint endpoint) {
        // The bearer travels in a 0600 file rather than in a step's argv, so no step or log line on the host holds
        // it. An earlier registration is removed first: a resumed bottle may reach supervise at a new address.
        var bearer = new ProvisionStep.WriteFile(SUPERVISE_BEARER_FILE,
                endpoint.bearer().reveal().getBytes(StandardCharsets.UTF_8), 0600, FileOwner.AGENT);
        var register = new ProvisionStep.RunCommand(List.of("sh", "-c", SUPERVISE_SCRIPT, "bot-bottle-supervise",
                SUPERVISE_SERVER_NAME, endpoint.url()),
                FileOwner.AGENT, true, "register the supervise MCP server at " + endpoint.url() + " with Claude Code");
        if (endpoint.agentNotes().isBlank()) {
            return List.of(bearer, register);
        }
        return List.of(bearer, register, PromptSection.upsert("~/.claude/CLAUDE.md", SUPERVISE_SERVER_NAME,
                endpoint.agentNotes(), "tell Claude Code about supervise in ~/.claude/CLAUDE.md"));
    }

    @Override
    public List<String> interactiveCommand() {
        return List.of("claude");
    }

    /**
     * {@code claude -p --output-format stream-json --verbose -- PROMPT}: print mode, one JSON event per line (the
     * first is the {@code init} event). The prompt comes after {@code --} so a prompt starting with {@code -} is not
     * read as an option (without it, {@code claude -p "-v ..."} prints the version).
     */
    @Override
    public List<String> headlessCommand(String prompt) {
        Objects.requireNonNull(prompt, "prompt");
        return List.of("claude", "-p", "--output-format", "stream-json", "--verbose", "--", prompt);
    }

    @Override
    public String toString() {
        return "ClaudeProvider[claude " + cliVersion() + ", base " + baseImage + "]";
    }

    static Map<String, Object> claudeJsonPatch(String home) {
        Map<String, Object> trusted = Map.of("hasTrustDialogAccepted", true, "hasCompletedProjectOnboarding", true);
        Map<String, Object> projects = new LinkedHashMap<>();
        projects.put(home, trusted);
        projects.put(home + "/workspace", trusted);
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("hasCompletedOnboarding", true);
        patch.put("autoUpdates", false);
        patch.put("projects", projects);
        return patch;
    }

    static Map<String, Object> settingsPatch() {
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("permissions", Map.of("defaultMode", "bypassPermissions"));
        patch.put("skipDangerousModePermissionPrompt", true);
        return patch;
    }

    /**
     * The image shipped in this jar: the Dockerfile and the pinned release ({@code claude-code.properties}, the one
     * place the version lives), tagged {@code bot-bottle/claude:<version>-<hash>}.
     */
    static ImageSpec image(String baseImage) {
        AgentImageRecipe recipe = Image.RECIPE;
        return recipe.spec(Map.of(
                "BASE_IMAGE", baseImage,
                "CLAUDE_CODE_VERSION", recipe.version(),
                "CLAUDE_CODE_SHA512_AMD64", recipe.release("sha512.linux-x64"),
                "CLAUDE_CODE_SHA512_ARM64", recipe.release("sha512.linux-arm64")));
    }

    /** Loaded on first use, so a broken jar fails the first plan rather than plugin discovery. */
    private static final class Image {
        static final AgentImageRecipe RECIPE = AgentImageRecipe.load(ClaudeProvider.class, "bot-bottle/claude",
                "Dockerfile", "claude-code.properties");
    }
}
