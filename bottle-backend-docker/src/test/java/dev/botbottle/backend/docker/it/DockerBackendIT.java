package dev.botbottle.backend.docker.it;

import dev.botbottle.backend.docker.DockerBackendProvider;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.BottleBackend;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ImageSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The backend's lifecycle against the real engine: one bottle shared by the read-mostly tests. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerBackendIT {

    private BottleBackend backend;
    private String slug;
    private Bottle bottle;
    private final List<ServerSocket> gateways = new ArrayList<>();
    private final List<String> otherSlugs = new CopyOnWriteArrayList<>();

    @TempDir
    Path tmp;

    @BeforeAll
    void startBottle() throws IOException {
        DockerEngine.assumeReady();
        backend = DockerEngine.backend();
        slug = DockerEngine.slug("it-life");
        BottleSpec spec = DockerEngine.spec(slug);
        HostReach reach = backend.prepare(spec);
        ServerSocket gateway = new ServerSocket(0, 50, InetAddress.getByName(reach.bindAddress()));
        gateways.add(gateway);
        backend.create(spec, reach, List.of(gateway.getLocalPort()));
        bottle = backend.start(slug);
    }

    @AfterAll
    void tearDown() throws IOException {
        for (ServerSocket s : gateways) {
            s.close();
        }
        if (backend != null) {
            for (String other : otherSlugs) {
                backend.teardown(other);
            }
            if (slug != null) {
                backend.teardown(slug);
            }
        }
    }

    @Test
    void commandsRunAsTheImagesNonRootUser() {
        assertThat(bottle.agentUser()).isEqualTo("agent");
        assertThat(bottle.agentHome()).isEqualTo("/home/agent");
        ExecResult id = bottle.exec(ExecRequest.of("id"));
        assertThat(id.exitCode()).isZero();
        assertThat(id.stdoutText()).startsWith("uid=1000(agent)");
        assertThat(bottle.exec(ExecRequest.of("pwd")).stdoutText().strip()).isEqualTo("/home/agent");
    }

    @Test
    void execPassesEnvironmentWorkdirUserAndStdin() {
        ExecResult env = bottle.exec(ExecRequest.of("sh", "-c", "printf %s \"$TOKEN:$BOTTLE_KIND\"")
                .withEnv(Map.of("TOKEN", "s3cret value with spaces")));
        assertThat(env.stdoutText()).isEqualTo("s3cret value with spaces:it");

        assertThat(bottle.exec(ExecRequest.of("pwd").inDirectory("/tmp")).stdoutText().strip()).isEqualTo("/tmp");
        assertThat(bottle.exec(ExecRequest.of("id", "-un").asUser("root")).stdoutText().strip()).isEqualTo("root");
        assertThat(bottle.exec(ExecRequest.of("cat").withStdin("from stdin\n".getBytes(StandardCharsets.UTF_8)))
                .stdoutText()).isEqualTo("from stdin\n");
    }

    @Test
    void aNonZeroExitIsAResultWithItsStderr() {
        ExecResult r = bottle.exec(ExecRequest.of("sh", "-c", "echo oops >&2; exit 3"));
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stderrText()).isEqualTo("oops\n");
    }

    @Test
    void aTimedOutCommandFailsAndIsKilledInsideTheBottle() {
        assertThatThrownBy(() -> bottle.exec(ExecRequest.of("sleep", "3141").withTimeout(Duration.ofSeconds(2))))
                .isInstanceOf(BackendException.class).hasMessageContaining("did not finish");
        assertThat(bottle.exec(ExecRequest.of("ps", "-eo", "args").asUser("root")).stdoutText())
                .doesNotContain("sleep 3141");
    }

    @Test
    void aProgramThatDoesNotExistIsAnError() {
        assertThatThrownBy(() -> bottle.exec(ExecRequest.of("no-such-program")))
                .isInstanceOf(BackendException.class).hasMessageContaining("no-such-program");
    }

    @Test
    void streamDeliversOutputAsItComes() {
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        int exit = bottle.stream(ExecRequest.of("sh", "-c", "echo out; echo err >&2"), out, err);
        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("out\n");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("err\n");
    }

    @Test
    void copyInPlacesADirectoryWithOwnerAndModesCreatingParents() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("skill/sub"));
        Files.writeString(tmp.resolve("skill/SKILL.md"), "# skill\n");
        Files.writeString(dir.resolve("run.sh"), "echo hi\n");

        bottle.copyIn(tmp.resolve("skill"), "/home/agent/.claude/skills/demo", FileOwner.AGENT, 0640);

        ExecResult stat = bottle.exec(ExecRequest.of("sh", "-c",
                "cd /home/agent/.claude && stat -c '%n %U %a' . skills skills/demo skills/demo/SKILL.md "
                        + "skills/demo/sub skills/demo/sub/run.sh"));
        assertThat(stat.stdoutText().strip().split("\n")).containsExactly(
                ". agent 755", "skills agent 755", "skills/demo agent 750", "skills/demo/SKILL.md agent 640",
                "skills/demo/sub agent 750", "skills/demo/sub/run.sh agent 640");
    }

    @Test
    void copyInOfAFileAsRootReplacesTheTarget() throws IOException {
        Path file = Files.writeString(tmp.resolve("conf"), "first\n");
        bottle.copyIn(file, "/etc/bot-bottle/conf", FileOwner.ROOT, 0600);
        Files.writeString(file, "second\n");
        bottle.copyIn(file, "/etc/bot-bottle/conf", FileOwner.ROOT, 0600);
        ExecResult r = bottle.exec(ExecRequest.of("sh", "-c", "stat -c '%U %a' /etc/bot-bottle/conf; cat /etc/bot-bottle/conf")
                .asUser("root"));
        assertThat(r.stdoutText()).isEqualTo("root 600\nsecond\n");
        assertThat(bottle.exec(ExecRequest.of("cat", "/etc/bot-bottle/conf")).exitCode()).isNotZero();
    }

    @Test
    void copyOutBringsFilesAndDirectoriesBack() throws IOException {
        bottle.exec(ExecRequest.of("sh", "-c", "mkdir -p out/d && echo one > out/a.txt && echo two > out/d/b.txt"));
        bottle.copyOut("/home/agent/out", tmp.resolve("back"));
        assertThat(tmp.resolve("back/a.txt")).hasContent("one");
        assertThat(tmp.resolve("back/d/b.txt")).hasContent("two");
        bottle.copyOut("/home/agent/out/a.txt", tmp.resolve("single.txt"));
        assertThat(tmp.resolve("single.txt")).hasContent("one");
    }

    @Test
    void theProviderIsAvailableWhenTheEngineAnswers() {
        var availability = new dev.botbottle.backend.docker.DockerBackendProvider().availability();
        assertThat(availability.isAvailable()).as(availability.reason()).isTrue();
    }

    @Test
    void describeNamesImageNetworkRuntimeAndIsolationWithoutChangingAnything() {
        String other = DockerEngine.slug("it-plan");
        var plan = backend.describe(DockerEngine.spec(other));
        assertThat(plan.details()).containsKeys("image", "network", "runtime", "host isolation");
        assertThat(plan.details().get("network")).contains("bb-" + other, "internal");
        assertThat(backend.list()).doesNotContain(other);
    }

    @Test
    void listFindsTheBottleByItsLabels() {
        assertThat(backend.list()).contains(slug);
        assertThat(DockerEngine.host("docker", "ps", "--filter", "label=dev.botbottle.slug=" + slug,
                "--format", "{{.Names}}").out().strip()).isEqualTo("bb-" + slug);
    }

    @Test
    void attachReturnsAHandleOnTheRunningBottle() {
        Bottle again = backend.attach(slug);
        assertThat(again.agentUser()).isEqualTo("agent");
        assertThat(again.exec(ExecRequest.of("true")).exitCode()).isZero();
    }

    @Test
    void attachCommandCarriesSecretsOnlyInItsEnvironment() {
        var command = bottle.attachCommand(ExecRequest.of("bash").withEnv(Map.of("TOKEN", "s3cret")));
        assertThat(command.argv()).contains("-i", "-t", "bb-" + slug).noneMatch(a -> a.contains("s3cret"));
        assertThat(command.environment()).containsEntry("TOKEN", "s3cret");
    }

    @Test
    void prepareRefusesANameLeftOverFromAnEarlierBottleAndSaysHowToCleanUp() {
        String taken = DockerEngine.slug("it-taken");
        otherSlugs.add(taken);
        var created = DockerEngine.host("docker", "create", "--name", "bb-" + taken, "--label",
                "dev.botbottle.managed=true", "--label", "dev.botbottle.slug=" + taken, DockerEngine.BASE_IMAGE, "true");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThatThrownBy(() -> backend.prepare(DockerEngine.spec(taken)))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("'bb-" + taken + "' already exists")
                .hasMessageContaining("bottle rm " + taken)
                .hasMessageContaining("docker rm -f bb-" + taken);
        assertThat(DockerEngine.host("docker", "network", "inspect", "bb-" + taken).exit()).isNotZero();
    }

    @Test
    void teardownLeavesAContainerBotBottleDidNotMakeAlone() {
        String foreign = DockerEngine.slug("it-foreign");
        var created = DockerEngine.host("docker", "create", "--name", "bb-" + foreign, DockerEngine.BASE_IMAGE, "true");
        assertThat(created.exit()).as(created.err()).isZero();
        try {
            assertThatThrownBy(() -> backend.prepare(DockerEngine.spec(foreign)))
                    .isInstanceOf(BackendException.class).hasMessageContaining("not made by bot-bottle");
            backend.teardown(foreign);
            assertThat(DockerEngine.host("docker", "container", "inspect", "bb-" + foreign).exit()).isZero();
        } finally {
            DockerEngine.host("docker", "rm", "-f", "bb-" + foreign);
        }
    }

    @Test
    void aMissingImageThatCannotBeBuiltIsAClearError() {
        String other = DockerEngine.slug("it-noimg");
        otherSlugs.add(other);
        BottleSpec spec = DockerEngine.spec(other, ImageSpec.of("bot-bottle/does-not-exist:0"));
        HostReach reach = backend.prepare(spec);
        assertThatThrownBy(() -> backend.create(spec, reach, List.of(1)))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("'bot-bottle/does-not-exist:0' is not present");
    }

    @Test
    void aMissingBuildableImageIsBuiltWithTheHostsExtraCasInItsContext() {
        String other = DockerEngine.slug("it-build");
        otherSlugs.add(other);
        String tag = "bot-bottle/it-build:" + other;
        var progress = new CopyOnWriteArrayList<String>();
        // the runtime finds the host's extra CAs and hands them over; here, two made-up ones
        Map<String, String> hostCa = Map.of("host-ca-a.crt", "-----BEGIN CERTIFICATE-----\nYQ==\n-----END CERTIFICATE-----\n",
                "host-ca-b.crt", "-----BEGIN CERTIFICATE-----\nYg==\n-----END CERTIFICATE-----\n");
        BottleBackend building = new DockerBackendProvider().create(new BackendContext(
                Path.of(System.getProperty("java.io.tmpdir")), (stage, message) -> progress.add(stage + ": " + message),
                Map.of(), hostCa));
        var image = new ImageSpec(tag, Optional.of("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n"
                + "COPY host-ca/ /usr/local/share/ca-certificates/\nCOPY note.txt /note.txt\n"
                + "RUN ls /usr/local/share/ca-certificates > /ca-list\n"),
                Map.of("BASE_IMAGE", DockerEngine.BASE_IMAGE), Map.of("note.txt", "hello\n".getBytes(StandardCharsets.UTF_8)));
        try {
            BottleSpec spec = DockerEngine.spec(other, image);
            HostReach reach = building.prepare(spec);
            building.create(spec, reach, List.of(1));
            Bottle built = building.start(other);
            assertThat(built.exec(ExecRequest.of("cat", "/note.txt")).stdoutText()).isEqualTo("hello\n");
            assertThat(built.exec(ExecRequest.of("cat", "/ca-list")).stdoutText().lines()
                    .filter(l -> l.startsWith("host-ca-"))).containsExactlyInAnyOrder("host-ca-a.crt", "host-ca-b.crt");
            assertThat(progress).anyMatch(p -> p.startsWith("image: ") && p.contains("Step"));
        } finally {
            building.teardown(other);
            otherSlugs.remove(other);
            DockerEngine.host("docker", "rmi", "-f", tag);
        }
    }
}
