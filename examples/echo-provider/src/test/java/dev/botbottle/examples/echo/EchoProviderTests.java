package dev.botbottle.examples.echo;

import dev.botbottle.core.manifest.ProviderCatalog;
import dev.botbottle.core.manifest.ProviderSettingsCheck;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.ImageSpec;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.Secret;
import dev.botbottle.spi.SkillSource;
import dev.botbottle.spi.SuperviseEndpoint;
import dev.botbottle.testkit.doubles.RecordingBottle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EchoProviderTests {

    private final EchoProvider provider = new EchoProvider();

    private static AgentRequest request(String prompt, List<SkillSource> skills, Map<String, String> settings) {
        return AgentRequest.builder("parrot", "parrot-x1y2z").prompt(prompt).skills(skills).settings(settings)
                .hostHome(Path.of("/home/host")).build();
    }

    @Test
    void theRuntimeFindsThePluginByItsTemplateName() {
        Plugins plugins = Plugins.discover();

        assertThat(plugins.agents().get("echo")).isInstanceOf(EchoProvider.class);
        assertThat(plugins.problems()).noneMatch(p -> p.contains("echo"));
    }

    @Test
    void plansItsImageAndTheGreetingSettingAndNoCredential() {
        AgentProvisionPlan plan = provider.plan(request("", List.of(), Map.of("greeting", "bonjour:")));

        assertThat(plan.env()).containsExactly(Map.entry("ECHO_AGENT_GREETING", "bonjour:"));
        assertThat(plan.egressRoutes()).isEmpty();
        assertThat(plan.credentialRefs()).isEmpty();
        ImageSpec image = plan.image().orElseThrow();
        assertThat(image.reference()).startsWith("bot-bottle/echo:");
        assertThat(image.dockerfile().orElseThrow()).contains("COPY echo-agent /usr/local/bin/echo-agent");
        assertThat(image.contextFiles()).containsKey("echo-agent");
        assertThat(image.buildArgs()).containsEntry("BASE_IMAGE", EchoProvider.DEFAULT_BASE_IMAGE);
    }

    @Test
    void theManifestValidatorRejectsSettingsItDoesNotDeclare() {
        var problems = ProviderSettingsCheck.check(provider, Map.of("greting", "x"), ProviderCatalog.UNKNOWN);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("greting");
            assertThat(p.message()).contains("did you mean 'greeting'?");
        });
    }

    @Test
    void putsPromptAndSkillsWhereTheEchoAgentReadsThem(@TempDir Path skill) throws IOException {
        Files.writeString(skill.resolve("SKILL.md"), "---\nname: squawk\n---\n");
        List<ProvisionStep> steps = provider.provisioningSteps(
                request("You are a parrot.", List.of(new SkillSource("squawk", skill)), Map.of()), new RecordingBottle());

        assertThat(steps).hasSize(3);
        assertThat(steps.get(0)).isInstanceOfSatisfying(ProvisionStep.WriteFile.class, w -> {
            assertThat(w.path()).isEqualTo("/home/agent/.echo/system.md");
            assertThat(new String(w.content(), StandardCharsets.UTF_8)).isEqualTo("You are a parrot.");
            assertThat(w.owner()).isEqualTo(FileOwner.AGENT);
        });
        // SkillSteps: the old copy goes, then the skill is copied
        assertThat(steps.get(1)).isInstanceOfSatisfying(ProvisionStep.RunCommand.class,
                r -> assertThat(r.argv()).containsExactly("rm", "-rf", "/home/agent/.echo/skills/squawk"));
        assertThat(steps.get(2)).isEqualTo(new ProvisionStep.CopyPath(skill, "/home/agent/.echo/skills/squawk",
                FileOwner.AGENT, 0755));
    }

    @Test
    void aSkillWithoutSkillMdFailsNamingTheSkill(@TempDir Path skill) {
        assertThatThrownBy(() -> provider.provisioningSteps(
                request("", List.of(new SkillSource("squawk", skill)), Map.of()), new RecordingBottle()))
                .hasMessageContaining("skill 'squawk'").hasMessageContaining("SKILL.md");
    }

    @Test
    void aChangedScriptOrBaseImageIsANewImageTag() {
        String tag = provider.plan(request("", List.of(), Map.of())).image().orElseThrow().reference();
        String other = new EchoProvider("debian:bookworm").plan(request("", List.of(), Map.of())).image()
                .orElseThrow().reference();
        assertThat(tag).matches("bot-bottle/echo:1\\.0\\.0-[0-9a-f]{10}").isNotEqualTo(other);
        assertThat(provider.plan(request("", List.of(), Map.of())).image().orElseThrow().buildArgs())
                .containsKey("ECHO_AGENT_DIGEST");
    }

    @Test
    void handsTheSuperviseUrlOverWithoutTheBearer() {
        var steps = provider.superviseSteps(new SuperviseEndpoint("http://172.18.0.1:4000/mcp", "SUPERVISE_TOKEN",
                Secret.of("bearer")));

        assertThat(steps).containsExactly(new ProvisionStep.SetEnv("ECHO_AGENT_SUPERVISE_URL", "http://172.18.0.1:4000/mcp"));
    }

    @Test
    void theEchoAgentRepeatsItsPromptHeadless(@TempDir Path home) throws Exception {
        Path script = Files.write(home.resolve("echo-agent"), provider.plan(request("", List.of(), Map.of()))
                .image().orElseThrow().contextFiles().get("echo-agent"));
        Files.createDirectories(home.resolve(".echo/skills/squawk"));
        Files.writeString(home.resolve(".echo/skills/squawk/SKILL.md"), "---\nname: squawk\n---\n");
        Files.writeString(home.resolve(".echo/system.md"), "You are a parrot.\nSecond line.\n");
        List<String> argv = new java.util.ArrayList<>(List.of("bash", script.toString()));
        argv.addAll(provider.headlessCommand("hello there").subList(1, 3));

        assertThat(run(argv, home, Map.of("ECHO_AGENT_GREETING", "bonjour:")))
                .isEqualTo("[system] You are a parrot.\n[skill] squawk\nbonjour: hello there\n");
    }

    private static String run(List<String> argv, Path home, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
