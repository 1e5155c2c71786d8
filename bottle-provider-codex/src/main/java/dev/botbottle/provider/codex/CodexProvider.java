package dev.botbottle.provider.codex;

import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.DlpPolicy;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProviderSetting;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.RouteAuth;
import dev.botbottle.spi.Secret;
import dev.botbottle.spi.SuperviseEndpoint;
import dev.botbottle.spi.support.AgentImageRecipe;
import dev.botbottle.spi.support.PromptSection;
import dev.botbottle.spi.support.SkillSteps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The agent provider for the Codex CLI (manifest {@code agent_provider.template: codex}).
 *
 * <p>Credentials: with {@code agent_provider.forward_host_credentials: true} the host's ChatGPT login
 * ({@code $CODEX_HOME/auth.json}, default {@code ~/.codex/auth.json}) is read at prepare. Its access token goes to
 * the egress gateway only, under the reference {@value #ACCESS_TOKEN_REF}, injected as {@code Bearer} on
 * {@code chatgpt.com} and {@code api.openai.com}. The bottle gets a dummy {@code auth.json} of the same form, account
 * id and expiry whose tokens are placeholders. A missing, API-key, malformed or expired host login fails the
 * launch with a message naming the file. There is no refresh: relaunch after the host login refreshed.
 *
 * <p>Provisioning (as the agent user): {@code ~/.codex/config.toml} (no update check or analytics, full access —
 * the bottle is the sandbox — and {@code ~/workspace} trusted); the prompt becomes {@code ~/.codex/AGENTS.md}; each
 * skill is copied to {@code ~/.codex/skills/<name>/}, replacing an older copy. {@code CODEX_CA_CERTIFICATE} points
 * Codex at the bottle's CA bundle, which holds the gateway CA. Supervise is registered with {@code codex mcp add --url
 * --bearer-token-env-var}, and the server's notes for the agent go in a marked section of {@code ~/.codex/AGENTS.md}.
 *
 * <p>The agent image is built from the Dockerfile shipped in this jar: the base image (default
 * {@value #DEFAULT_BASE_IMAGE}) plus the native {@code codex} binary of the pinned version from the npm platform
 * package.
 *
 * @since 0.1
 */
public final class CodexProvider implements AgentProvider {

    /** The template name, {@code codex}. */
    public static final String NAME = "codex";

    /** The base image the agent image starts from unless another is given. */
    public static final String DEFAULT_BASE_IMAGE = "bot-bottle/base:bookworm";

    /** The credential reference the host's forwarded access token is provisioned under. */
    public static final String ACCESS_TOKEN_REF = "BOT_BOTTLE_CODEX_HOST_ACCESS_TOKEN";

    /** The hosts whose requests carry the forwarded access token. */
    public static final List<String> API_HOSTS = List.of("chatgpt.com", "api.openai.com");

    /**
     * The bundle {@code CODEX_CA_CERTIFICATE} names: Debian's system bundle, which {@code update-ca-certificates}
     * regenerates after the runtime installs the bottle's gateway CA. Naming the bundle rather than the gateway's
     * own certificate file keeps the provider independent of what the egress gateway calls that file, and keeps
     * every other CA the bottle trusts.
     */
    public static final String BOTTLE_CA_BUNDLE = ProvisionStep.TrustCertificate.SYSTEM_BUNDLE;

    static final String SUPERVISE_SERVER_NAME = "supervise";

    private static final Logger LOG = LoggerFactory.getLogger(CodexProvider.class);

    private final String baseImage;
    private final Clock clock;

    /** A provider whose agent image starts from {@value #DEFAULT_BASE_IMAGE}. Used by {@link java.util.ServiceLoader}. */
    public CodexProvider() {
        this(DEFAULT_BASE_IMAGE);
    }

    /**
     * A provider whose agent image starts from another base (it needs {@code sh}, {@code curl}, {@code tar} and
     * {@code sha512sum} to build; the binary is static).
     *
     * @param baseImage the base image reference
     */
    public CodexProvider(String baseImage) {
        this(baseImage, Clock.systemUTC());
    }

    CodexProvider(String baseImage, Clock clock) {
        this.baseImage = Objects.requireNonNull(baseImage, "baseImage");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (baseImage.isBlank()) {
            throw new IllegalArgumentException("baseImage must not be blank");
        }
    }

    /** @return the pinned Codex CLI version the agent image carries, e.g. {@code 0.171.0} */
    public static String cliVersion() {
        return Image.RECIPE.version();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The setting that forwards the host's own ChatGPT login through the egress gateway. */
    public static final String FORWARD_SETTING = "forward_host_credentials";

    @Override
    public List<ProviderSetting> settings() {
        return List.of(ProviderSetting.of(FORWARD_SETTING, ProviderSetting.Kind.BOOLEAN,
                "forward the host's Codex ChatGPT login ($CODEX_HOME/auth.json) through the egress gateway; the"
                        + " bottle gets an auth.json of the same shape with placeholder values"));
    }

    @Override
    public AgentProvisionPlan plan(AgentRequest request) {
        AgentProvisionPlan.Builder plan = AgentProvisionPlan.builder().image(image(baseImage))
                .env("CODEX_CA_CERTIFICATE", BOTTLE_CA_BUNDLE);
        if (forwards(request)) {
            // Provider routes redact rather than block on a DLP hit: a blocked model call stalls the agent.
            API_HOSTS.forEach(host -> plan.route(EgressRoute.builder(host)
                    .auth(new RouteAuth("Bearer", ACCESS_TOKEN_REF)).matches(CodexRoutes.matches(host))
                    .dlp(new DlpPolicy(DlpPolicy.Action.REDACT, true)).build()));
            plan.credentialRef(ACCESS_TOKEN_REF);
        }
        return plan.build();
    }

    private static boolean forwards(AgentRequest request) {
        return request.settings().flag(FORWARD_SETTING);
    }

    @Override
    public Map<String, Secret> credentials(AgentRequest request) {
        if (!forwards(request)) {
            return Map.of();
        }
        CodexHostLogin login = CodexHostLogin.read(hostAuthFile(request), clock.instant());
        LOG.info("forwarding the host's Codex ChatGPT login {} (account {}, expires {}) to the egress gateway",
                login.file(), login.accountId(), login.accessTokenExpiry());
        return Map.of(ACCESS_TOKEN_REF, login.accessToken());
    }

    @Override
    public List<ProvisionStep> provisioningSteps(AgentRequest request, Bottle bottle) {
        String home = bottle.agentHome();
        String codexHome = home + "/.codex";
        List<ProvisionStep> steps = new ArrayList<>();
        steps.add(new ProvisionStep.WriteFile(codexHome + "/config.toml",
                configToml(home).getBytes(StandardCharsets.UTF_8), 0600, FileOwner.AGENT));
        if (forwards(request)) {
            // Read again rather than carried from credentials(): the provider holds no per-bottle state. Only the
            // non-secret fields reach the bottle.
            CodexHostLogin login = CodexHostLogin.read(hostAuthFile(request), clock.instant());
            steps.add(new ProvisionStep.WriteFile(codexHome + "/auth.json", login.dummyAuthJson(clock.instant()), 0600,
                    FileOwner.AGENT));
        }
        if (!request.prompt().isBlank()) {
            steps.add(new ProvisionStep.WriteFile(codexHome + "/AGENTS.md",
                    request.prompt().getBytes(StandardCharsets.UTF_8), 0644, FileOwner.AGENT));
        }
        steps.addAll(SkillSteps.replaceAll(request, codexHome + "/skills", "Codex"));
        return List.copyOf(steps);
    }

    @Override
    public List<ProvisionStep> superviseSteps(SuperviseEndpoint endpoint) {
        // Codex reads the bearer from the named variable at run time, so nothing secret is written or passed here.
        ProvisionStep register = new ProvisionStep.RunCommand(List.of("codex", "mcp", "add", SUPERVISE_SERVER_NAME,
                "--url", endpoint.url(), "--bearer-token-env-var", endpoint.bearerEnvName()), FileOwner.AGENT, true,
                "register the supervise MCP server at " + endpoint.url() + " with Codex");
        if (endpoint.agentNotes().isBlank()) {
            return List.of(register);
        }
        return List.of(register, PromptSection.upsert("~/.codex/AGENTS.md", SUPERVISE_SERVER_NAME,
                endpoint.agentNotes(), "tell Codex about supervise in ~/.codex/AGENTS.md"));
    }

    @Override
    public List<String> interactiveCommand() {
        return List.of("codex");
    }

    /**
     * {@code codex exec -s danger-full-access --skip-git-repo-check -- PROMPT}: full access (the bottle is the
     * sandbox; Codex's own bubblewrap sandbox rarely works in a container), no git-repo requirement. The prompt comes
     * after {@code --} so a prompt starting with {@code -} is not read as an option. {@code codex exec} also appends
     * whatever arrives on standard input, so run it with standard input empty or closed.
     */
    @Override
    public List<String> headlessCommand(String prompt) {
        Objects.requireNonNull(prompt, "prompt");
        return List.of("codex", "exec", "-s", "danger-full-access", "--skip-git-repo-check", "--", prompt);
    }

    @Override
    public String toString() {
        return "CodexProvider[codex " + cliVersion() + ", base " + baseImage + "]";
    }

    /**
     * @param request the agent
     * @return {@code $CODEX_HOME/auth.json} of the host environment, or {@code <hostHome>/.codex/auth.json}
     */
    static Path hostAuthFile(AgentRequest request) {
        String codexHome = request.hostEnvironment().getOrDefault("CODEX_HOME", "");
        Path dir = codexHome.isBlank() ? request.hostHome().resolve(".codex") : Path.of(codexHome);
        return dir.resolve("auth.json");
    }

    static String configToml(String home) {
        return """
                # Written by bot-bottle when the bottle was provisioned; `codex mcp add` adds servers below.
                cli_auth_credentials_store = "file"
                check_for_update_on_startup = false
                approval_policy = "never"
                sandbox_mode = "danger-full-access"

                [analytics]
                enabled = false

                [feedback]
                enabled = false

                [notice]
                hide_full_access_warning = true

                [projects."%s/workspace"]
                trust_level = "trusted"
                """.formatted(home);
    }

    /**
     * The image shipped in this jar: the Dockerfile and the pinned release ({@code codex-cli.properties}, the one
     * place the version lives), tagged {@code bot-bottle/codex:<version>-<hash>}.
     */
    static ImageSpec image(String baseImage) {
        AgentImageRecipe recipe = Image.RECIPE;
        return recipe.spec(Map.of(
                "BASE_IMAGE", baseImage,
                "CODEX_VERSION", recipe.version(),
                "CODEX_SHA512_AMD64", recipe.release("sha512.linux-x64"),
                "CODEX_SHA512_ARM64", recipe.release("sha512.linux-arm64")));
    }

    /** Loaded on first use, so a broken jar fails the first plan rather than plugin discovery. */
    private static final class Image {
        static final AgentImageRecipe RECIPE = AgentImageRecipe.load(CodexProvider.class, "bot-bottle/codex",
                "Dockerfile", "codex-cli.properties");
    }
}
