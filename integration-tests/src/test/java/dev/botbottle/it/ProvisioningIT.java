package dev.botbottle.it;

import dev.botbottle.core.manifest.ManifestLoader;
import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plan.Planner;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchOptions;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.Secret;
import dev.botbottle.core.runtime.HostTrust;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The provisioning engine and secret handling, in a real bottle. */
class ProvisioningIT {

    private static final String HOST_SECRET = "host-secret-" + Long.toHexString(System.nanoTime());
    private static final String TYPED_SECRET = "typed-secret-" + Long.toHexString(System.nanoTime());

    @TempDir
    Path home;
    @TempDir
    Path skill;

    private BottleRuntime runtime;
    private BottlePlan plan;

    @BeforeEach
    void setUp() throws IOException {
        Docker.assumeEngine();
        Files.writeString(skill.resolve("SKILL.md"), "---\nname: s\ndescription: d\n---\nbody\n");
        Files.createDirectories(skill.resolve("scripts"));
        Files.writeString(skill.resolve("scripts/run.sh"), "echo hi\n");
        Manifests.write(home, "bottles/steps.md", """
                ---
                image: %s
                agent_provider: {template: steps}
                env:
                  FROM_HOST: "${HOST_VALUE}"
                  TYPED: "?type it"
                ---
                """.formatted(Docker.BASE_IMAGE));
        Manifests.write(home, "agents/prov.md", "---\nbottle: steps\n---\n");
        HostEnvironment host = new HostEnvironment(home, home, Map.of("HOST_VALUE", HOST_SECRET));
        Plugins plugins = Plugins.builder().agent(stepsProvider(skill)).build();
        runtime = BottleRuntime.builder().host(host).plugins(plugins)
                .prompter((name, message) -> Secret.of(TYPED_SECRET)).build();
        plan = new Planner(plugins, host).plan(ManifestLoader.forHome(home).loadStrict(), "prov", "docker",
                Optional.empty());
    }

    @AfterEach
    void tearDown() {
        if (runtime != null) {
            try {
                runtime.teardown(plan.slug());
            } catch (RuntimeException ignored) {
                // already gone
            }
            runtime.close();
        }
    }

    @Test
    void stepsLandWithTheirOwnersAndModesAndOptionalFailuresAreWarnings() {
        RunningBottle bottle = runtime.launch(plan, new LaunchOptions(Optional.empty(), false, false));
        assertThat(bottle.exec("stat", "-c", "%U %a", ".tool/config", ".tool", "/etc/tool.conf", "skills/s/SKILL.md",
                "skills/s/scripts").stdoutText())
                .isEqualTo("agent 600\nagent 755\nroot 644\nagent 644\nagent 755\n");
        assertThat(bottle.exec("cat", ".tool/config").stdoutText()).isEqualTo("token = placeholder\n");
        assertThat(bottle.exec("cat", "ran-as").stdoutText().strip()).isEqualTo("agent /home/agent /opt/tool");
        assertThat(bottle.exec("sh", "-c", "echo $TOOL_HOME").stdoutText().strip()).isEqualTo("/opt/tool");
        assertThat(bottle.exec("sh", "-lc", "echo $TOOL_HOME").stdoutText().strip()).isEqualTo("/opt/tool");
        assertThat(bottle.warnings()).singleElement().asString().contains("a step allowed to fail");
    }

    @Test
    void secretEnvValuesReachExecsButNoFileTheImageOrTheContainerConfig() {
        RunningBottle bottle = runtime.launch(plan, new LaunchOptions(Optional.empty(), false, false));
        assertThat(bottle.exec("sh", "-c", "echo $FROM_HOST $TYPED").stdoutText().strip())
                .isEqualTo(HOST_SECRET + " " + TYPED_SECRET);
        // no file in the bottle holds either value
        String grep = bottle.exec(new dev.botbottle.spi.ExecRequest(List.of("sh", "-c",
                "grep -rlsF -e \"$1\" -e \"$2\" /etc /home /root /tmp /var /opt || true", "sh", HOST_SECRET, TYPED_SECRET),
                Map.of(), Optional.empty(), Optional.of("root"), Optional.empty(),
                dev.botbottle.spi.ExecRequest.DEFAULT_TIMEOUT)).stdoutText();
        assertThat(grep).isEmpty();
        // nor the container's configuration, nor the state directory on the host
        String inspect = Docker.run("docker", "inspect", "bb-" + plan.slug()).out();
        assertThat(inspect).doesNotContain(HOST_SECRET).doesNotContain(TYPED_SECRET);
        assertThat(stateFiles()).doesNotContain(HOST_SECRET).doesNotContain(TYPED_SECRET);
        // a process that does not get the env from the runtime does not see them
        String bare = Docker.run("docker", "exec", "bb-" + plan.slug(), "sh", "-c", "echo [$FROM_HOST][$TYPED]").out();
        assertThat(bare.strip()).isEqualTo("[][]");
    }

    @Test
    void hostExtraCaCertificatesAreTrustedOnRequest() {
        Map<String, String> extra = HostTrust.system().files();
        RunningBottle bottle = runtime.launch(plan, new LaunchOptions(Optional.empty(), true, false));
        String installed = bottle.exec("ls", "/usr/local/share/ca-certificates").stdoutText();
        for (String file : extra.keySet()) {
            assertThat(installed).contains(file);
            String pemBody = extra.get(file).lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
            assertThat(bottle.exec("grep", "-c", "-F", pemBody, "/etc/ssl/certs/ca-certificates.crt").stdoutText().strip())
                    .isEqualTo("1");
        }
        System.out.println("host extra CA certificates trusted in the bottle: " + extra.size());
    }

    private String stateFiles() {
        StringBuilder all = new StringBuilder();
        try (var files = Files.walk(home.resolve("state"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return all.toString();
    }

    /** A provider exercising every kind of step. */
    private static ScriptedProvider stepsProvider(Path skill) {
        return new ScriptedProvider("steps", List.of(
                new ProvisionStep.SetEnv("TOOL_HOME", "/opt/tool"),
                new ProvisionStep.WriteFile("~/.tool/config", "token = placeholder\n".getBytes(StandardCharsets.UTF_8),
                        0600, FileOwner.AGENT),
                new ProvisionStep.WriteFile("/etc/tool.conf", "x\n".getBytes(StandardCharsets.UTF_8), 0644, FileOwner.ROOT),
                new ProvisionStep.CopyPath(skill, "~/skills/s", FileOwner.AGENT, 0644),
                new ProvisionStep.RunCommand(List.of("sh", "-c", "echo $(id -un) $HOME $TOOL_HOME > ~/ran-as"),
                        FileOwner.AGENT, false, "record who runs commands"),
                new ProvisionStep.RunCommand(List.of("sh", "-c", "exit 4"), FileOwner.AGENT, true,
                        "a step allowed to fail")));
    }
}
